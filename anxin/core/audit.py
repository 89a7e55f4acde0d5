"""The tamper-evident audit trail: append-only rows, hash-chained per tenant."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from . import clock
from .actors import Actor
from .dispatch import on_commit
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64
PLATFORM_TENANT = "platform"


def tenant_key(merchant_id: int | None) -> str:
    """Merchant rows chain per merchant; everything else chains under ``platform``."""
    return f"m{merchant_id}" if merchant_id is not None else PLATFORM_TENANT


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def entry_hash(
    *,
    prev_hash: str,
    tenant: str,
    seq: int,
    created_at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    data: dict[str, Any],
) -> str:
    body = _canonical(
        {
            "tenant": tenant,
            "seq": seq,
            "created_at": created_at.astimezone(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "data": data,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _lock_head(tenant: str) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update(no_key=True).filter(tenant=tenant).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(tenant=tenant, seq=0, hash=GENESIS)
    except IntegrityError:
        return AuditChainHead.objects.select_for_update(no_key=True).get(tenant=tenant)


def audit_record(
    *,
    actor: Actor | str,
    action: str,
    merchant_id: int | None = None,
    subject_type: str = "",
    subject_id: object = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row in the caller's transaction; it is chained right after the commit.

    Chaining takes the tenant's chain-head lock. Doing it inside business transactions made every
    write of a merchant wait for the others, and let two sweepers deadlock across merchants; so a
    transaction only inserts its row, and ``audit_chain`` links rows in a short transaction of its
    own once they are committed (a periodic job catches rows a crash left unchained).
    """
    tenant = tenant_key(merchant_id)
    actor_label = actor if isinstance(actor, str) else actor.audit_label()
    # Round-trip through JSON so the stored value hashes the same when read back.
    payload = json.loads(_canonical(data or {}))
    entry = AuditEntry.objects.create(
        tenant=tenant,
        seq=None,
        created_at=clock.now(),
        actor=actor_label,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=payload,
    )
    on_commit(audit_chain, tenant=tenant)
    return entry


def audit_chain(*, tenant: str, limit: int = 5000) -> int:
    """Link the tenant's committed, unchained rows to its chain, in the order they were written."""
    with transaction.atomic():
        head = _lock_head(tenant)
        rows = list(
            AuditEntry.objects.filter(tenant=tenant, seq__isnull=True).order_by("id")[:limit]
        )
        for row in rows:
            row.seq = head.seq + 1
            row.prev_hash = head.hash
            row.hash = entry_hash(
                prev_hash=head.hash,
                tenant=row.tenant,
                seq=row.seq,
                created_at=row.created_at,
                actor=row.actor,
                action=row.action,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                data=row.data,
            )
            head.seq, head.hash = row.seq, row.hash
        if rows:
            AuditEntry.objects.bulk_update(rows, ["seq", "prev_hash", "hash"], batch_size=1000)
            head.save(update_fields=["seq", "hash"])
    return len(rows)


def audit_chain_all() -> int:
    """Chain whatever is pending in every tenant (the periodic safety net)."""
    tenants = AuditEntry.objects.filter(seq__isnull=True).values_list("tenant", flat=True)
    return sum(audit_chain(tenant=t) for t in sorted(set(tenants)))


@dataclass(frozen=True)
class ChainBreak:
    """Where a tenant's chain stops being trustworthy, and why."""

    tenant: str
    seq: int
    entry_id: int | None
    reason: str


def _verify_chain(
    tenant: str, entries: Iterable[AuditEntry], head: AuditChainHead | None
) -> ChainBreak | None:
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(tenant, expected_seq, entry.pk, f"row {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainBreak(tenant, entry.seq, entry.pk, "does not link to the previous row")
        recomputed = entry_hash(
            prev_hash=entry.prev_hash,
            tenant=entry.tenant,
            seq=entry.seq,
            created_at=entry.created_at,
            actor=entry.actor,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            data=entry.data,
        )
        if recomputed != entry.hash:
            return ChainBreak(tenant, entry.seq, entry.pk, "content does not match its hash")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        return ChainBreak(tenant, expected_seq, None, "rows after this one were removed")
    return None


def audit_verify(*, tenants: Iterable[str] | None = None) -> Iterator[ChainBreak]:
    """Yield the first break of every tenant chain that does not verify."""
    heads = {h.tenant: h for h in AuditChainHead.objects.all()}
    names = (
        set(tenants)
        if tenants is not None
        else set(heads) | set(AuditEntry.objects.values_list("tenant", flat=True).distinct())
    )
    for tenant in sorted(names):
        # Rows not chained yet (committed moments ago) are not part of the chain to verify.
        rows = (
            AuditEntry.objects.filter(tenant=tenant, seq__isnull=False)
            .order_by("seq", "id")
            .iterator(chunk_size=2000)
        )
        problem = _verify_chain(tenant, rows, heads.get(tenant))
        if problem is not None:
            yield problem
