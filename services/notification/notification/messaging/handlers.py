"""Events notification turns into contacts and messages. Every handler takes a batch: contacts
are upserted and deliveries inserted set-based, whatever the batch size. The inbox runs each
event id once; the (event, channel, recipient) key makes a repeat insert nothing anyway.

onboarding.organization.created/updated (tenant name, time zone, currency) are projected by
smart360.domain.handlers because services.toml lists them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings

from notification.messaging import services
from notification.messaging.models import Channel, Contact
from notification.messaging.services import ContactData, Intent
from smart360.contracts import Event
from smart360.contracts.ax import CoverExpiring
from smart360.contracts.bx import BillIssued
from smart360.contracts.cx import ConnectionActivated, ConsumerCreated, ConsumerUpdated
from smart360.contracts.onboarding import TariffActivated
from smart360.contracts.rx import PaymentReceived, ReminderDue
from smart360.contracts.wx import WorkOrderAssigned, WorkOrderCompleted
from smart360.events.inbox import HandlerFn, Received, subscriber
from smart360.registry import load

NO_TENANT = uuid.UUID(int=0)


def when_listed(contract: type[Event]) -> Callable[[HandlerFn], HandlerFn]:
    """A batch subscriber, registered when services.toml lists the subscription (events whose
    publisher does not publish them yet are handled as soon as both sides list them)."""
    if contract.type in load().service("notification").subscribes:
        return subscriber(contract, batch=True)
    return lambda handler: handler


def _tenant(received: Received[Event]) -> uuid.UUID:
    return received.tenant_id or NO_TENANT


def _context(received: Received[Event]) -> dict[str, Any]:
    return received.event.model_dump(mode="json")


def _contact_data(received: Received[ConsumerCreated] | Received[ConsumerUpdated]) -> ContactData:
    e = received.event
    return ContactData(_tenant(received), e.consumer_id, e.number, e.name, e.email, e.phone,
                       e.locale)


@subscriber(ConsumerCreated, batch=True)
def welcome(batch: list[Received[ConsumerCreated]]) -> None:
    """The contact, then the welcome (email; SMS when there is a phone and a template)."""
    contacts = services.contacts_upsert([_contact_data(r) for r in batch])
    services.deliveries_create([
        Intent(tenant_id=_tenant(r), event_id=uuid.UUID(r.id), event_type=r.event.type,
               context=_context(r), contact=contacts[(_tenant(r), r.event.consumer_id)],
               channels=(Channel.EMAIL, Channel.SMS, Channel.WHATSAPP))
        for r in batch])


@subscriber(ConsumerUpdated, batch=True)
def contact_updated(batch: list[Received[ConsumerUpdated]]) -> None:
    services.contacts_upsert([_contact_data(r) for r in batch])


@subscriber(ConnectionActivated, batch=True)
def connection_activated(batch: list[Received[ConnectionActivated]]) -> None:
    """account_number → the consumer's contact (later events name only the account); the
    welcome to the account."""
    contacts = services.contacts_upsert([
        ContactData(_tenant(r), r.event.consumer_id, r.event.consumer_number, r.event.name,
                    r.event.email, r.event.phone, r.event.locale) for r in batch])
    services.accounts_upsert([
        (_tenant(r), r.event.account_number, contacts[(_tenant(r), r.event.consumer_id)],
         r.event.plan_id, r.event.area_id) for r in batch])
    _notify_accounts(batch)


def _notify_accounts(batch: Sequence[Received[Any]], extra: dict[str, Any] | None = None,
                     attachment: Callable[[Received[Any]], str] | None = None) -> None:
    """Events naming an account: to its holder, on every channel with a template (the mail
    with `attachment`'s document, fetched at send time)."""
    holders = services.contacts_by_account((_tenant(r), r.event.account_number) for r in batch)
    intents = []
    for r in batch:
        contact = holders.get((_tenant(r), r.event.account_number))
        if contact is None:
            continue  # an account this service never saw connected: nobody to tell
        context = _context(r)
        if extra:
            context.update({k: f(r) for k, f in extra.items()})
        intents.append(Intent(tenant_id=_tenant(r), event_id=uuid.UUID(r.id),
                              event_type=r.event.type, context=context, contact=contact,
                              attachment=attachment(r) if attachment else ""))
    services.deliveries_create(intents)


def _pdf_url(received: Received[BillIssued]) -> str:
    return f"{settings.NOTIFICATION_PUBLIC_URL.rstrip('/')}{received.event.pdf_path}"


@subscriber(BillIssued, batch=True)
def bill_issued(batch: list[Received[BillIssued]]) -> None:
    """The bill mail attaches its PDF (fetched from bx when sent) and keeps the link; SMS,
    WhatsApp and in-app carry the link."""
    _notify_accounts(batch, {"pdf_url": _pdf_url}, attachment=lambda r: r.event.pdf_path)


@when_listed(PaymentReceived)
def payment_received(batch: list[Received[PaymentReceived]]) -> None:
    _notify_accounts(batch)


@when_listed(ReminderDue)
def reminder_due(batch: list[Received[ReminderDue]]) -> None:
    _notify_accounts(batch)


@subscriber(WorkOrderCompleted, batch=True)
def work_order_completed(batch: list[Received[WorkOrderCompleted]]) -> None:
    _notify_accounts([r for r in batch if r.event.account_number])


@when_listed(WorkOrderAssigned)
def work_order_assigned(batch: list[Received[WorkOrderAssigned]]) -> None:
    """To the technician's address (not a consumer: no contact, no preferences)."""
    services.deliveries_create([
        Intent(tenant_id=_tenant(r), event_id=uuid.UUID(r.id), event_type=r.event.type,
               context=_context(r), address=r.event.technician_email, channels=(Channel.EMAIL,))
        for r in batch if r.event.technician_email])


@when_listed(CoverExpiring)
def cover_expiring(batch: list[Received[CoverExpiring]]) -> None:
    services.deliveries_create([
        Intent(tenant_id=_tenant(r), event_id=uuid.UUID(r.id), event_type=r.event.type,
               context=_context(r), address=r.event.notify_email, channels=(Channel.EMAIL,))
        for r in batch if r.event.notify_email])


@subscriber(TariffActivated, batch=True)
def tariff_activated(batch: list[Received[TariffActivated]]) -> None:
    """A notice to every account on the plan, chunked (a plan may hold many accounts)."""
    for r in batch:
        rows = (Contact.objects.filter(tenant_id=_tenant(r), accounts__plan_id=r.event.plan_id)
                .values_list("pk", "accounts__account_number").order_by("pk"))
        pairs = list(rows)
        contacts = Contact.objects.in_bulk([pk for pk, _ in pairs])
        context = _context(r)
        for start in range(0, len(pairs), services.BULK_CHUNK):
            services.deliveries_create([
                Intent(tenant_id=_tenant(r), event_id=uuid.UUID(r.id), event_type=r.event.type,
                       context={**context, "account_number": number}, contact=contacts[pk])
                for pk, number in pairs[start:start + services.BULK_CHUNK]])
