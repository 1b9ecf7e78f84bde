"""Reads of messaging (inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from notification.messaging.models import Delivery, Template


def delivery_list(*, tenant_id: uuid.UUID, recipient: str = "", status: str = "",
                  event_type: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(tenant_id=tenant_id)
    if recipient:
        rows = rows.filter(recipient__iexact=recipient)
    if status:
        rows = rows.filter(status=status)
    if event_type:
        rows = rows.filter(event_type=event_type)
    return rows


def template_list(*, tenant_id: uuid.UUID) -> QuerySet[Template]:
    return Template.objects.filter(Q(tenant_id__isnull=True) | Q(tenant_id=tenant_id))
