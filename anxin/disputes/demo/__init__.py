"""Demo disputes in every stage (``manage.py demo_disputes``, run by ``demo_data``), so that the
consumer, merchant, agent and arbitrator logins all have something to do.

Like the demo cases, nothing is inserted directly: each dispute grows out of a request opened and
rejected through the cases services, is opened with ``dispute_open`` and moved on with
``dispute_act``, ``proposal_answer``, ``dispute_evidence_add`` and ``jury_vote``, each step with the
clock frozen at its moment, counted back from now (``stories.py``); a deadline falling due is
applied as the sweeper applies it. So the history, rounds, rulings, refunds, deposit ledger,
notifications and audit rows are the ones the real code writes, and every dispute that waits on a
person waits on a live deadline. Shops pay in their deposits first (the demo merchant's exactly at
the required minimum: the fast-track compensation leaves it short, with a top-up request and its
settlement held).

The demo arbitrator's queue is filled first; then a second arbitrator joins, so the load-balancing
pick gives them the later decisions, and the appeal of one of their decisions comes back to the demo
arbitrator (an appeal goes to a different arbitrator). Run once: nothing happens when disputes exist
or when the world has no after-sales cases yet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction
from django.test.utils import override_settings

from anxin.cases.models import Case
from anxin.core import clock
from anxin.core.errors import DomainError
from anxin.notifications.choices import Channel
from anxin.notifications.delivery import outbox_deliver
from anxin.notifications.models import OutboxMessage

from ..choices import DisputeStatus
from ..models import Dispute
from .cast import cast_load, jurors_enlist, second_arbitrator
from .play import Made, StoryFailed, pools_load, story_play
from .stories import STORIES, Story

__all__ = ["STORIES", "DemoDisputes", "Made", "demo_disputes"]


@dataclass
class DemoDisputes:
    made: list[Made] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # story, why
    logins: list[str] = field(default_factory=list)  # logins created for the demo
    reason: str = ""  # why nothing was made


def _needs_second_arbitrator(story: Story) -> bool:
    """The later decisions go to the second arbitrator (see the module's text)."""
    return story.status in (DisputeStatus.RULED, DisputeStatus.EXECUTED, DisputeStatus.APPEALED)


def demo_disputes(*, seed: int = 2026) -> DemoDisputes:
    """Play every story once (each its own transaction); a story no order line fits is left out.
    Nothing when disputes exist already or the world has no after-sales cases."""
    result = DemoDisputes()
    if Dispute.unscoped.exists():
        result.reason = "disputes exist"
        return result
    if not Case.unscoped.exists():
        result.reason = "no after-sales cases (load the demo world and its cases first)"
        return result
    rng = random.Random(seed)
    now = clock.now()
    with transaction.atomic():
        cast = cast_load(now)
        jurors_enlist(cast, now)
    pools = pools_load(cast, now)
    outbox_from = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # Immediate delivery is off while seeding; the demo e-mails are delivered below instead.
    with override_settings(ANXIN_OUTBOX_DELIVER_ON_COMMIT=False):
        for story in STORIES:
            if _needs_second_arbitrator(story):
                second_arbitrator(cast)
            try:
                result.made.append(story_play(rng, story, cast, pools, now))
            except (StoryFailed, DomainError) as exc:
                result.skipped.append((story.name, f"{type(exc).__name__}: {exc}"))
    result.logins = cast.created
    _deliver_emails(outbox_from)
    return result


def _deliver_emails(after_pk: int) -> None:
    """Deliver the demo's e-mails to nowhere (as the demo cases do), so the development server does
    not print past notifications; webhooks, if a shop has any, are left to the deliverer."""
    ids = list(
        OutboxMessage.objects.filter(pk__gt=after_pk, channel=Channel.EMAIL).values_list(
            "pk", flat=True
        )
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            outbox_deliver(batch_size=len(chunk), ids=chunk)
