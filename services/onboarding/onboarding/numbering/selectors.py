"""Reads of ID formats: the configured one or the default, and the next number (a peek)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from onboarding.common import tenant_today
from onboarding.numbering.services import DEFAULTS
from smart360.domain.models import IdFormat, NumberSequence
from smart360.domain.numbering import DATE_PARTS, Format


def id_format_list(*, tenant_id: uuid.UUID) -> QuerySet[IdFormat]:
    return IdFormat.objects.filter(tenant_id=tenant_id)


def id_format_get(*, tenant_id: uuid.UUID, entity: str) -> dict[str, Any]:
    """The format in use (configured, or the default) and the number the next take will give."""
    row = IdFormat.objects.filter(tenant_id=tenant_id, entity=entity).first()
    fmt = Format(row.prefix, row.date_part, row.padding) if row else DEFAULTS[entity]
    today = tenant_today(tenant_id)
    period = today.strftime(DATE_PARTS[fmt.date_part])
    last = (NumberSequence.objects.filter(tenant_id=tenant_id, entity=entity, period=period)
            .values_list("last", flat=True).first()) or 0
    return {"entity": entity, "prefix": fmt.prefix, "date_part": fmt.date_part,
            "padding": fmt.padding, "configured": row is not None,
            "next": fmt.render(today, last + 1)}
