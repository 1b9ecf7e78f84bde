"""Writes of the collections app."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Case, CharField, Value, When

from rx.collections.models import Receivable

Risk = Receivable.Risk


def receivables_refresh_risk(*, today: date, now: datetime) -> int:
    """Re-grade every receivable by days overdue in ONE UPDATE; returns how many changed.

    Days overdue = today - due_on: <= 30 LOW, 31-60 MEDIUM, 61-90 HIGH, > 90 CRITICAL; a paid
    receivable is LOW whatever its age. The bands are compared as due-date cutoffs so the
    database does no date arithmetic per row. Only rows whose grade changes are written, so a
    second run the same day writes nothing.
    """
    def cutoff(days: int) -> date:
        return today - timedelta(days=days)

    risk = Case(
        When(amount_outstanding=Decimal(0), then=Value(Risk.LOW)),
        When(due_on__gte=cutoff(30), then=Value(Risk.LOW)),
        When(due_on__gte=cutoff(60), then=Value(Risk.MEDIUM)),
        When(due_on__gte=cutoff(90), then=Value(Risk.HIGH)),
        default=Value(Risk.CRITICAL),
        output_field=CharField(),
    )
    return Receivable.objects.exclude(risk=risk).update(risk=risk, updated_at=now)
