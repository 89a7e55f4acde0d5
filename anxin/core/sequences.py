"""Human-readable numbers such as AS20261122000123: prefix, local date, daily counter."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from . import clock
from .models import NumberSequence


def number_next(*, prefix: str, day: date | None = None, width: int = 6) -> str:
    """Hand out the next number of ``prefix`` for ``day`` (default: today in Asia/Shanghai).

    The counter row is locked, so concurrent callers never get the same number.
    """
    day = day or clock.localnow().date()
    with transaction.atomic():
        seq = (
            NumberSequence.objects.select_for_update(no_key=True)
            .filter(prefix=prefix, day=day)
            .first()
        )
        if seq is None:
            try:
                with transaction.atomic():
                    seq = NumberSequence.objects.create(prefix=prefix, day=day, last=0)
            except IntegrityError:
                seq = NumberSequence.objects.select_for_update(no_key=True).get(
                    prefix=prefix, day=day
                )
        seq.last += 1
        seq.save(update_fields=["last"])
    return f"{prefix}{day:%Y%m%d}{seq.last:0{width}d}"
