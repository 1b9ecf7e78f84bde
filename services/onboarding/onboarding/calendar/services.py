"""Writes of the working calendar."""

from __future__ import annotations

import uuid
from datetime import date, time

from onboarding.calendar.models import Holiday, WorkingHours
from onboarding.common import unique_or_conflict
from smart360.errors import NotFound, ValidationFailed


def holiday_create(*, tenant_id: uuid.UUID, date: date, name: str) -> Holiday:
    with unique_or_conflict(f"{date} is already a holiday."):
        return Holiday.objects.create(tenant_id=tenant_id, date=date, name=name)


def working_hours_set(*, tenant_id: uuid.UUID, weekday: int, opens: time | str,
                      closes: time | str) -> WorkingHours:
    """The hours of one weekday, created or replaced."""
    opens, closes = (t if isinstance(t, time) else time.fromisoformat(t) for t in (opens, closes))
    if opens >= closes:
        raise ValidationFailed("Opening time is before closing time.",
                               errors={"closes": "must be after opens"})
    row, _ = WorkingHours.objects.update_or_create(
        tenant_id=tenant_id, weekday=weekday, defaults={"opens": opens, "closes": closes})
    return row


def calendar_row_delete(model: type[Holiday | WorkingHours], *, tenant_id: uuid.UUID, pk: int
                        ) -> None:
    deleted, _ = model.objects.filter(tenant_id=tenant_id, pk=pk).delete()
    if not deleted:
        raise NotFound(f"No such {model._meta.verbose_name}.")
