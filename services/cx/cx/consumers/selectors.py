"""Reads of the consumers app (always inside one tenant)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from cx.consumers.models import Consumer
from smart360.django.hotpath import CompiledQuery
from smart360.identity.tenancy import scoped

DETAIL_FIELDS = ("id", "number", "name", "email", "phone", "status", "created_at")
_detail = CompiledQuery(  # the hottest read: one consumer by id (compiled once per thread)
    lambda tenant_id, consumer_id: Consumer.objects.filter(
        tenant_id=tenant_id, pk=consumer_id).values(*DETAIL_FIELDS),
    tenant_id=uuid.UUID(int=1), consumer_id=-1,
)


def consumers(*, tenant_id: uuid.UUID, search: str = "") -> QuerySet[Consumer]:
    qs = scoped(Consumer.objects.all(), tenant_id)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(number__iexact=search)
    return qs


def consumer_detail(*, tenant_id: uuid.UUID, consumer_id: int) -> dict[str, Any] | None:
    """One consumer of this tenant as a dict of DETAIL_FIELDS; None if absent or not theirs."""
    return _detail.first(tenant_id=tenant_id, consumer_id=consumer_id)
