"""Writes of ID formats, and taking numbers from them (no duplicate, no gap)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction

from onboarding.common import tenant_today, unique_or_conflict
from smart360.contracts.onboarding import IdFormatChanged
from smart360.domain.models import IdFormat
from smart360.domain.numbering import Format, number_take
from smart360.errors import ValidationFailed
from smart360.events.outbox import publish

# What each service numbers with when the tenant has not configured a format.
DEFAULTS: dict[str, Format] = {
    "application": Format("APP", "YYYYMMDD", 3),
    "consumer": Format("CUST", "YYYYMM", 4),
    "account": Format("ACC", "YYYYMM", 5),
    "bill": Format("BILL", "YYYYMM", 6),
    "receipt": Format("RCPT", "YYYYMM", 6),
    "work_order": Format("WO", "YYYYMMDD", 4),
    "service_request": Format("SR", "YYYYMMDD", 4),
    "complaint": Format("CMP", "YYYYMMDD", 4),
}


def id_format_set(*, tenant_id: uuid.UUID, entity: str, prefix: str, date_part: str,
                  padding: int, create_only: bool = False) -> IdFormat:
    """Create (or, unless `create_only`, replace) the format of `entity`; announced to every
    service that numbers it. Sequences continue: a new date part starts its own."""
    if not prefix and not date_part:
        raise ValidationFailed("A format needs a prefix or a date part.",
                               errors={"prefix": "empty, and no date part either"})
    with transaction.atomic():
        if create_only:
            with unique_or_conflict(f"{entity} already has an ID format: PUT it to change it."):
                row = IdFormat.objects.create(tenant_id=tenant_id, entity=entity, prefix=prefix,
                                              date_part=date_part, padding=padding)
        else:
            row, _ = IdFormat.objects.update_or_create(
                tenant_id=tenant_id, entity=entity,
                defaults={"prefix": prefix, "date_part": date_part, "padding": padding})
        publish(IdFormatChanged(entity=entity, prefix=prefix, date_part=date_part,  # type: ignore[arg-type]
                                padding=padding), tenant_id=tenant_id)
    return row


def number_take_now(*, tenant_id: uuid.UUID, entity: str, on: date | None = None) -> str:
    """The next number of `entity` (today in the tenant's calendar), taken for good."""
    with transaction.atomic():
        return number_take(tenant_id=tenant_id, entity=entity,
                           on=on or tenant_today(tenant_id), default=DEFAULTS[entity])
