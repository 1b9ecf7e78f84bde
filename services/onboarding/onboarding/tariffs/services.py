"""Writes of the tariffs app."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery

from onboarding.tariffs.models import TariffVersion


def tariff_versions_activate_due(*, today: date, now: datetime) -> dict[str, int]:
    """Make the newest due version of every tariff ACTIVE and supersede the rest. Idempotent.

    "Due" = SCHEDULED or ACTIVE with effective_from <= today; per tariff the newest (latest
    effective_from, then highest number) wins. Two UPDATEs in one transaction: losers first,
    so the one-active-per-tariff constraint holds after each statement.
    """
    live = [TariffVersion.Status.SCHEDULED, TariffVersion.Status.ACTIVE]
    due = TariffVersion.objects.filter(status__in=live, effective_from__lte=today)
    newest = (
        due.filter(tariff_id=OuterRef("tariff_id"))
        .order_by("-effective_from", "-number")
        .values("pk")[:1]
    )
    with transaction.atomic():
        superseded = due.exclude(pk=Subquery(newest)).update(
            status=TariffVersion.Status.SUPERSEDED, updated_at=now
        )
        # Every due version left is its tariff's winner.
        activated = due.filter(status=TariffVersion.Status.SCHEDULED).update(
            status=TariffVersion.Status.ACTIVE, activated_at=now, updated_at=now
        )
    return {"activated": activated, "superseded": superseded}
