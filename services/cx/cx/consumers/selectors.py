"""Reads of the consumers app (always inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from cx.consumers.models import Consumer


def consumer_list(*, tenant_id: uuid.UUID, search: str = "", status: str = "") -> QuerySet[Consumer]:
    rows = Consumer.objects.filter(tenant_id=tenant_id)
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(number__iexact=search))
    if status:
        rows = rows.filter(status=status)
    return rows


def consumer_detail(*, tenant_id: uuid.UUID, consumer_id: int) -> Consumer | None:
    """One consumer of this tenant; None if absent or another tenant's."""
    return Consumer.objects.filter(tenant_id=tenant_id, pk=consumer_id).first()
