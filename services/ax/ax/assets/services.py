"""Writes of the assets app."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ax.assets.models import MaintenanceContract

EXPIRY_NOTICE_DAYS = 30


def maintenance_contracts_flag_expiring(*, today: date, now: datetime) -> int:
    """Flag, once, every contract whose cover ends within the next 30 days, in one UPDATE.

    Window: today <= ends_on <= today + 30, both inclusive. A contract that has already ended
    is not "expiring" and gets no late reminder. Idempotent: a flagged contract never matches.
    """
    return MaintenanceContract.objects.filter(
        expiry_flagged_on__isnull=True,
        ends_on__gte=today,
        ends_on__lte=today + timedelta(days=EXPIRY_NOTICE_DAYS),
    ).update(expiry_flagged_on=today, updated_at=now)
