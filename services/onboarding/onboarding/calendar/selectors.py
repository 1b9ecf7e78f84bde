"""Reads of the working calendar."""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import QuerySet

from onboarding.calendar.models import Holiday, WorkingHours


def holiday_list(*, tenant_id: uuid.UUID, year: int | None = None,
                 after: date | None = None) -> QuerySet[Holiday]:
    rows = Holiday.objects.filter(tenant_id=tenant_id)
    if year is not None:
        rows = rows.filter(date__year=year)
    if after is not None:
        rows = rows.filter(date__gte=after)
    return rows


def working_hours_list(*, tenant_id: uuid.UUID) -> QuerySet[WorkingHours]:
    return WorkingHours.objects.filter(tenant_id=tenant_id)
