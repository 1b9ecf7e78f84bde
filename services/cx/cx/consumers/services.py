"""Writes of consumers and accounts: their lifecycles, and the changes made by field work.

Consumer:  CREATED → APPROVED → INSTALLED → CONNECTED ⇄ TEMPORARILY_DISCONNECTED;
           CONNECTED → PERMANENTLY_DISCONNECTED → ARCHIVED.
Account:   the same from CONNECTED on. A consumer with several accounts follows them: CONNECTED
           while any account is, otherwise the state of the most connected one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cx import numbers
from cx.consumers.models import Account, ConnectionRequest, Consumer
from smart360.contracts.cx import (
    ConnectionActivated,
    ConnectionStatusChanged,
    ConsumerCreated,
    ConsumerUpdated,
    WorkOrderRequested,
)
from smart360.contracts.wx import WorkOrderCompleted
from smart360.domain.states import StateMachine
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish, publish_many
from smart360.logging import get_logger

log = get_logger(__name__)
S = Consumer.Status
A = Account.Status
CONSUMER = StateMachine("consumer", {
    S.CREATED: (S.APPROVED,),
    S.APPROVED: (S.INSTALLED,),
    S.INSTALLED: (S.CONNECTED,),
    S.CONNECTED: (S.TEMPORARILY_DISCONNECTED, S.PERMANENTLY_DISCONNECTED),
    S.TEMPORARILY_DISCONNECTED: (S.CONNECTED,),
    S.PERMANENTLY_DISCONNECTED: (S.ARCHIVED,),
})
ACCOUNT = StateMachine("account", {
    A.CONNECTED: (A.TEMPORARILY_DISCONNECTED, A.PERMANENTLY_DISCONNECTED),
    A.TEMPORARILY_DISCONNECTED: (A.CONNECTED,),
    A.PERMANENTLY_DISCONNECTED: (A.ARCHIVED,),
})
# The account state each completed work order leads to.
TARGET: dict[tuple[str, bool], str] = {
    (ConnectionRequest.Kind.DISCONNECTION, False): A.TEMPORARILY_DISCONNECTED,
    (ConnectionRequest.Kind.DISCONNECTION, True): A.PERMANENTLY_DISCONNECTED,
    (ConnectionRequest.Kind.RECONNECTION, False): A.CONNECTED,
}
# Most connected first: the state a consumer takes from its accounts.
FOLLOW_ORDER = (A.CONNECTED, A.TEMPORARILY_DISCONNECTED, A.PERMANENTLY_DISCONNECTED, A.ARCHIVED)


# -- consumers ---------------------------------------------------------------------------------
def _consumer_number(tenant_id: uuid.UUID) -> str:
    """The next consumer number not taken by hand (a number given on create may collide)."""
    while True:
        number = numbers.take(tenant_id=tenant_id, entity="consumer")
        if not Consumer.objects.filter(tenant_id=tenant_id, number=number).exists():
            return number


@transaction.atomic
def consumer_create(*, tenant_id: uuid.UUID, name: str, email: str = "", phone: str = "",
                    number: str = "", locale: str = "en") -> Consumer:
    """Create a consumer (CREATED) and announce it (`cx.consumer.created`) in one transaction."""
    try:
        with transaction.atomic():
            consumer = Consumer.objects.create(
                tenant_id=tenant_id, name=name, email=email, phone=phone, locale=locale,
                number=number or _consumer_number(tenant_id))
    except IntegrityError as exc:
        raise Conflict(f"Consumer number {number} is already taken.",
                       code="consumer_number_taken") from exc
    publish(ConsumerCreated(consumer_id=consumer.pk, number=consumer.number, name=name,
                            email=email, phone=phone, locale=locale), tenant_id=tenant_id)
    return consumer


@transaction.atomic
def consumer_update(*, tenant_id: uuid.UUID, consumer_id: int, **changes: Any) -> Consumer:
    """Change contact details (name, email, phone, locale); `cx.consumer.updated` if any did."""
    consumer = Consumer.objects.select_for_update().filter(tenant_id=tenant_id, pk=consumer_id).first()
    if consumer is None:
        raise NotFound("No such consumer.")
    changed = {k: v for k, v in changes.items() if getattr(consumer, k) != v}
    if changed:
        for field, value in changed.items():
            setattr(consumer, field, value)
        consumer.save(update_fields=[*changed, "updated_at"])
        publish(ConsumerUpdated(consumer_id=consumer.pk, number=consumer.number, name=consumer.name,
                                email=consumer.email, phone=consumer.phone, locale=consumer.locale),
                tenant_id=tenant_id)
    return consumer


def consumer_move(*, tenant_id: uuid.UUID, consumer_id: int, to: str) -> None:
    CONSUMER.move(Consumer.objects.filter(tenant_id=tenant_id, pk=consumer_id), to,
                  label=f"Consumer {consumer_id}")


def _consumer_follow_accounts(*, tenant_id: uuid.UUID, consumer_ids: set[int]) -> None:
    """Move each consumer to the state of its most connected account, where that move is legal
    (a consumer that is ARCHIVED, or walking there, stays put)."""
    states: dict[int, set[str]] = {}
    for consumer_id, status in Account.objects.filter(
            tenant_id=tenant_id, consumer_id__in=consumer_ids).values_list("consumer_id", "status"):
        states.setdefault(consumer_id, set()).add(status)
    for consumer_id, held in states.items():
        target = next(s for s in FOLLOW_ORDER if s in held)
        rows = Consumer.objects.filter(tenant_id=tenant_id, pk=consumer_id)
        current = rows.values_list("status", flat=True).first()
        if current != target and current is not None and target in CONSUMER.allowed(current):
            CONSUMER.move(rows, target)


@transaction.atomic
def consumer_archive(*, tenant_id: uuid.UUID, consumer_id: int) -> Consumer:
    """PERMANENTLY_DISCONNECTED → ARCHIVED, with its permanently disconnected accounts."""
    consumer_move(tenant_id=tenant_id, consumer_id=consumer_id, to=S.ARCHIVED)
    now = timezone.now()
    accounts = Account.objects.filter(tenant_id=tenant_id, consumer_id=consumer_id,
                                      status=A.PERMANENTLY_DISCONNECTED)
    numbers_archived = list(accounts.values_list("number", flat=True))
    accounts.update(status=A.ARCHIVED, status_changed_at=now, updated_at=now)
    publish_many((ConnectionStatusChanged(account_number=n, status=A.ARCHIVED, consumer_id=consumer_id,
                                          reason="consumer archived", at=now)
                  for n in numbers_archived), tenant_id=tenant_id)
    return Consumer.objects.get(tenant_id=tenant_id, pk=consumer_id)


# -- accounts ----------------------------------------------------------------------------------
def account_activate(*, tenant_id: uuid.UUID, consumer: Consumer, utility_service: int, category: int,
                     plan: int, area: int, premise: str, meter_serial: str, initial_reading: Decimal,
                     connected_at: datetime) -> Account:
    """The connection goes live: the consumer (INSTALLED) becomes CONNECTED, the account gets its
    number, and `cx.connection.activated` tells billing, collections, meters and notification.
    Runs in the caller's transaction."""
    consumer_move(tenant_id=tenant_id, consumer_id=consumer.pk, to=S.CONNECTED)
    account = Account.objects.create(
        tenant_id=tenant_id, number=numbers.take(tenant_id=tenant_id, entity="account"),
        consumer=consumer, utility_service=utility_service, category=category, plan=plan, area=area,
        premise=premise, meter_serial=meter_serial, initial_reading=initial_reading,
        connected_at=connected_at, status_changed_at=connected_at)
    publish(ConnectionActivated(
        account_id=account.pk, account_number=account.number, consumer_id=consumer.pk,
        consumer_number=consumer.number, name=consumer.name, email=consumer.email,
        phone=consumer.phone, locale=consumer.locale, utility_service_id=utility_service,
        category_id=category, plan_id=plan, area_id=area, premise=premise, meter_serial=meter_serial,
        initial_reading=initial_reading, connected_at=connected_at), tenant_id=tenant_id)
    return account


def _account_locked(tenant_id: uuid.UUID, account_number: str) -> Account:
    account = (Account.objects.select_for_update(of=("self",)).select_related("consumer")
               .filter(tenant_id=tenant_id, number=account_number).first())
    if account is None:
        raise NotFound(f"No such account {account_number}.", code="unknown_account")
    return account


def _check_request(account: Account, kind: str, permanent: bool, to_consumer: Consumer | None) -> None:
    """409 when the account's state does not allow what is asked (naming what it allows)."""
    label = f"Account {account.number}"
    if kind == ConnectionRequest.Kind.TRANSFER:
        if account.status != A.CONNECTED:
            raise Conflict(f"{label} is {account.status}; only a CONNECTED account is transferred. "
                           f"Allowed from {account.status}: "
                           f"{', '.join(ACCOUNT.allowed(account.status)) or 'none'}.",
                           code="illegal_transition",
                           extra={"current": account.status, "requested": "TRANSFER",
                                  "allowed": list(ACCOUNT.allowed(account.status))})
        assert to_consumer is not None
        if to_consumer.pk == account.consumer_id:
            raise ValidationFailed("An account is transferred to another consumer.",
                                   errors={"consumer": "already holds this account"})
        if to_consumer.status not in (S.CREATED, S.CONNECTED, S.TEMPORARILY_DISCONNECTED):
            raise Conflict(f"Consumer {to_consumer.number} is {to_consumer.status}: it cannot take "
                           "over an account.", code="illegal_transition",
                           extra={"current": to_consumer.status, "requested": S.CONNECTED,
                                  "allowed": list(CONSUMER.allowed(to_consumer.status))})
        return
    ACCOUNT.check(account.status, TARGET[(kind, permanent)], label=label)


def connection_request_create(*, tenant_id: uuid.UUID, account_number: str, kind: str, reason: str,
                              permanent: bool = False, to_consumer_id: int | None = None,
                              origin: str = ConnectionRequest.Origin.STAFF,
                              request_key: str | None = None) -> ConnectionRequest:
    """Ask wx for the work order that disconnects, reconnects or transfers an account.

    409 when the account's state does not allow it or another change is already under way."""
    with transaction.atomic():
        account = _account_locked(tenant_id, account_number)
        to_consumer = None
        if kind == ConnectionRequest.Kind.TRANSFER:
            to_consumer = (Consumer.objects.filter(tenant_id=tenant_id, pk=to_consumer_id).first()
                           if to_consumer_id else None)
            if to_consumer is None:
                raise NotFound(f"Unknown consumer {to_consumer_id}.", code="unknown_consumer")
        _check_request(account, kind, permanent, to_consumer)
        open_request = account.requests.filter(status=ConnectionRequest.Status.REQUESTED).first()
        if open_request is not None:
            raise Conflict(f"Account {account.number} already has {open_request.kind} "
                           f"{open_request.number} under way; wait for its work order.",
                           code="request_under_way", extra={"request": open_request.number})
        number = numbers.take(tenant_id=tenant_id, entity="service_request")
        request = ConnectionRequest.objects.create(
            tenant_id=tenant_id, number=number, kind=kind, origin=origin, account=account,
            permanent=permanent, to_consumer=to_consumer, reason=reason,
            request_key=request_key or f"{number}:{kind}")
        publish(WorkOrderRequested(
            request_key=request.request_key, kind=kind, source=number, area_id=account.area,
            address=account.premise, priority="HIGH" if kind == "RECONNECTION" else "MEDIUM",
            description=f"{kind.title()} of account {account.number}: {reason}",
            consumer_id=account.consumer_id, account_number=account.number,
            meter_serial=account.meter_serial or None), tenant_id=tenant_id)
        return request


def disconnection_for_overdue(*, tenant_id: uuid.UUID, account_number: str, as_of: date,
                              days_overdue: int, overdue: Decimal) -> ConnectionRequest | None:
    """rx says the final notice went unanswered: one DISCONNECTION work order per account and
    date (`{account}:DISCONNECTION:{as_of}`); nothing when the account is not connected any more
    or a change is already under way."""
    key = f"{account_number}:DISCONNECTION:{as_of.isoformat()}"
    if ConnectionRequest.objects.filter(tenant_id=tenant_id, request_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return connection_request_create(
                tenant_id=tenant_id, account_number=account_number,
                kind=ConnectionRequest.Kind.DISCONNECTION, origin=ConnectionRequest.Origin.COLLECTIONS,
                reason=f"{overdue} overdue for {days_overdue} days after the final notice",
                request_key=key)
    except (NotFound, Conflict) as refused:
        log.info("overdue_disconnection_skipped", account=account_number, reason=refused.detail)
        return None


def connection_request_completed(*, tenant_id: uuid.UUID, completed: WorkOrderCompleted) -> None:
    """A disconnection, reconnection or transfer work order came back: apply it (pass) or record
    the failure. A completion for a request that is not open (a repeat) changes nothing."""
    request = (ConnectionRequest.objects.select_for_update(of=("self",))
               .select_related("account", "to_consumer")
               .filter(tenant_id=tenant_id, request_key=completed.request_key,
                       status=ConnectionRequest.Status.REQUESTED).first())
    if request is None:
        log.info("connection_completion_ignored", request_key=completed.request_key)
        return
    done = ConnectionRequest.objects.filter(pk=request.pk)
    if completed.outcome != "pass":
        done.update(status=ConnectionRequest.Status.FAILED, outcome_notes=completed.notes,
                    completed_at=completed.completed_at, updated_at=timezone.now())
        return
    account = Account.objects.select_for_update().get(pk=request.account_id)
    try:
        if request.kind == ConnectionRequest.Kind.TRANSFER:
            _transfer(tenant_id, request, account, completed)
        else:
            _move_account(tenant_id, request, account, completed)
    except Conflict as refused:  # the account moved meanwhile: record why nothing was applied
        done.update(status=ConnectionRequest.Status.FAILED, completed_at=completed.completed_at,
                    outcome_notes=f"{completed.notes}\nnot applied: {refused.detail}".strip(),
                    updated_at=timezone.now())
        return
    done.update(status=ConnectionRequest.Status.COMPLETED, outcome_notes=completed.notes,
                completed_at=completed.completed_at, updated_at=timezone.now())


def _move_account(tenant_id: uuid.UUID, request: ConnectionRequest, account: Account,
                  completed: WorkOrderCompleted) -> None:
    target = TARGET[(request.kind, request.permanent)]
    ACCOUNT.move(Account.objects.filter(pk=account.pk), target, label=f"Account {account.number}",
                 status_changed_at=completed.completed_at, updated_at=timezone.now())
    _consumer_follow_accounts(tenant_id=tenant_id, consumer_ids={account.consumer_id})
    publish(ConnectionStatusChanged(account_number=account.number, status=target,
                                    consumer_id=account.consumer_id, reason=request.reason,
                                    at=completed.completed_at), tenant_id=tenant_id)


def _transfer(tenant_id: uuid.UUID, request: ConnectionRequest, account: Account,
              completed: WorkOrderCompleted) -> None:
    """The account passes to the new holder (walked to CONNECTED if new); the old holder follows
    the accounts it has left, or is PERMANENTLY_DISCONNECTED when it has none."""
    new = request.to_consumer
    assert new is not None
    if account.status != A.CONNECTED:
        raise ACCOUNT.refuse(account.status, A.CONNECTED, label=f"Account {account.number}")
    previous = account.consumer_id
    rows = Consumer.objects.filter(tenant_id=tenant_id, pk=new.pk)
    status = rows.values_list("status", flat=True).get()
    walk: dict[str, tuple[str, ...]] = {S.CREATED: (S.APPROVED, S.INSTALLED, S.CONNECTED),
                                        S.TEMPORARILY_DISCONNECTED: (S.CONNECTED,)}
    for step in walk.get(status, ()):
        CONSUMER.move(rows, step, label=f"Consumer {new.number}")
    Account.objects.filter(pk=account.pk).update(consumer_id=new.pk, updated_at=timezone.now())
    if Account.objects.filter(tenant_id=tenant_id, consumer_id=previous).exists():
        _consumer_follow_accounts(tenant_id=tenant_id, consumer_ids={previous})
    else:
        old = Consumer.objects.filter(tenant_id=tenant_id, pk=previous)
        if old.filter(status=S.CONNECTED).exists():
            CONSUMER.move(old, S.PERMANENTLY_DISCONNECTED)
    publish(ConnectionStatusChanged(account_number=account.number, status=A.CONNECTED,
                                    consumer_id=new.pk, previous_consumer_id=previous,
                                    reason=f"transferred: {request.reason}",
                                    at=completed.completed_at), tenant_id=tenant_id)
