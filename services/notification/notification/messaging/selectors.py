"""Reads of messaging (inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from notification.messaging.models import (
    Activity,
    Contact,
    Delivery,
    InAppMessage,
    Message,
    Preference,
    Template,
)


def delivery_list(*, tenant_id: uuid.UUID, recipient: str = "", status: str = "",
                  event_type: str = "", channel: str = "", contact: int | None = None,
                  message: int | None = None) -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(tenant_id=tenant_id)
    if recipient:
        rows = rows.filter(recipient__iexact=recipient)
    if status:
        rows = rows.filter(status=status)
    if event_type:
        rows = rows.filter(event_type=event_type)
    if channel:
        rows = rows.filter(channel=channel)
    if contact is not None:
        rows = rows.filter(contact_id=contact)
    if message is not None:
        rows = rows.filter(message_id=message)
    return rows


def activity_list(*, tenant_id: uuid.UUID, recipient: str) -> QuerySet[Activity]:
    return Activity.objects.filter(tenant_id=tenant_id, recipient__iexact=recipient).select_related(
        "delivery").only("id", "recipient", "status", "detail", "at", "delivery__id",
                         "delivery__channel", "delivery__event_type", "delivery__subject")


def template_list(*, tenant_id: uuid.UUID, event_type: str = "", channel: str = "",
                  locale: str = "") -> QuerySet[Template]:
    rows = Template.objects.filter(Q(tenant_id__isnull=True) | Q(tenant_id=tenant_id))
    if event_type:
        rows = rows.filter(event_type=event_type)
    if channel:
        rows = rows.filter(channel=channel)
    if locale:
        rows = rows.filter(locale=locale)
    return rows


def contact_list(*, tenant_id: uuid.UUID, search: str = "", account: str = "") -> QuerySet[Contact]:
    rows = Contact.objects.filter(tenant_id=tenant_id)
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(email__iexact=search)
                           | Q(number__iexact=search) | Q(phone=search))
    if account:
        rows = rows.filter(accounts__account_number=account)
    return rows


def preference_list(*, tenant_id: uuid.UUID, contact: int | None = None) -> QuerySet[Preference]:
    rows = Preference.objects.filter(tenant_id=tenant_id)
    return rows.filter(contact_id=contact) if contact is not None else rows


def message_list(*, tenant_id: uuid.UUID, status: str = "") -> QuerySet[Message]:
    rows = Message.objects.filter(tenant_id=tenant_id)
    return rows.filter(status=status) if status else rows


def in_app_list(*, tenant_id: uuid.UUID, recipient: str, unread: bool | None = None
                ) -> QuerySet[InAppMessage]:
    rows = InAppMessage.objects.filter(tenant_id=tenant_id, recipient=recipient)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows


def in_app_unread_count(*, tenant_id: uuid.UUID, recipient: str) -> int:
    return InAppMessage.objects.filter(tenant_id=tenant_id, recipient=recipient,
                                       read_at=None).count()
