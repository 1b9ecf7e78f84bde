"""Writes of the catalog, service requests and complaints, and the SLA-breach sweep.

Both kinds of work move OPEN → IN_PROGRESS → RESOLVED → CLOSED (OPEN may resolve at once,
RESOLVED may reopen to IN_PROGRESS, anything not yet resolved may be CANCELLED). Leaving OPEN
is the response; RESOLVED the resolution; each late one is stamped as a breach when it happens,
and the sweep stamps the ones still open past their due time.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cx import numbers
from cx.consumers.models import Account, Consumer
from cx.service_requests.models import DONE, CatalogService, Complaint, Priority, ServiceRequest, Status
from smart360.domain.money import money
from smart360.domain.states import StateMachine
from smart360.errors import Conflict, NotFound, ValidationFailed

T = TypeVar("T", ServiceRequest, Complaint)
MOVES: dict[str, tuple[str, ...]] = {
    Status.OPEN: (Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.RESOLVED, Status.CANCELLED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
}
MACHINES = {ServiceRequest: StateMachine("service request", MOVES),
            Complaint: StateMachine("complaint", MOVES)}
LABELS = {ServiceRequest: "Service request", Complaint: "Complaint"}
# Complaints have no catalog: (response, resolution) hours by priority.
COMPLAINT_SLA_HOURS = {Priority.EMERGENCY: (1, 4), Priority.HIGH: (4, 24),
                       Priority.MEDIUM: (24, 72), Priority.LOW: (48, 168)}
SLA_RULE = "the resolution SLA is not shorter than the response SLA"


# -- the catalog -------------------------------------------------------------------------------
def _check_sla(response_hours: int, resolution_hours: int) -> None:
    if resolution_hours < response_hours:
        raise ValidationFailed(f"The resolution SLA ({resolution_hours} h) is shorter than the "
                               f"response SLA ({response_hours} h).",
                               errors={"resolution_sla_hours": "shorter than response_sla_hours"})


def catalog_create(*, tenant_id: uuid.UUID, code: str, price: Decimal, response_sla_hours: int,
                   resolution_sla_hours: int, **fields: Any) -> CatalogService:
    _check_sla(response_sla_hours, resolution_sla_hours)
    try:
        with transaction.atomic():
            return CatalogService.objects.create(
                tenant_id=tenant_id, code=code, price=money(price), response_sla_hours=response_sla_hours,
                resolution_sla_hours=resolution_sla_hours, **fields)
    except IntegrityError as exc:
        raise Conflict(f"The catalog already has a service {code}.", code="duplicate_code") from exc


@transaction.atomic
def catalog_update(*, tenant_id: uuid.UUID, service_id: int, **changes: Any) -> CatalogService:
    """Change a catalog service; requests already made keep the price and due times they got."""
    service = CatalogService.objects.select_for_update().filter(tenant_id=tenant_id, pk=service_id).first()
    if service is None:
        raise NotFound("No such catalog service.")
    if "price" in changes:
        changes["price"] = money(changes["price"])
    for field, value in changes.items():
        setattr(service, field, value)
    _check_sla(service.response_sla_hours, service.resolution_sla_hours)
    service.save()
    return service


# -- requests and complaints -------------------------------------------------------------------
def _party(tenant_id: uuid.UUID, consumer_id: int, account_number: str) -> tuple[Consumer, Account | None]:
    consumer = Consumer.objects.filter(tenant_id=tenant_id, pk=consumer_id).first()
    if consumer is None:
        raise NotFound(f"Unknown consumer {consumer_id}.", code="unknown_consumer")
    if not account_number:
        return consumer, None
    account = Account.objects.filter(tenant_id=tenant_id, number=account_number).first()
    if account is None:
        raise NotFound(f"Unknown account {account_number}.", code="unknown_account")
    if account.consumer_id != consumer.pk:
        raise ValidationFailed(f"Account {account_number} is not consumer {consumer.number}'s.",
                               errors={"account": "belongs to another consumer"})
    return consumer, account


def _due(now: datetime, response_hours: int, resolution_hours: int) -> dict[str, datetime]:
    return {"response_due_at": now + timedelta(hours=response_hours),
            "resolution_due_at": now + timedelta(hours=resolution_hours)}


@transaction.atomic
def service_request_create(*, tenant_id: uuid.UUID, consumer: int, service: int, account: str = "",
                           description: str = "", priority: str = "") -> ServiceRequest:
    """One catalog service for one consumer (and one of its accounts), priced and timed by the
    catalog; numbered SR-…"""
    holder, held = _party(tenant_id, consumer, account)
    item = CatalogService.objects.filter(tenant_id=tenant_id, pk=service).first()
    if item is None:
        raise NotFound(f"Unknown catalog service {service}.", code="unknown_service")
    if not item.active:
        raise Conflict(f"Catalog service {item.code} is withdrawn: it takes no new requests.",
                       code="service_withdrawn")
    now = timezone.now()
    return ServiceRequest.objects.create(
        tenant_id=tenant_id, number=numbers.take(tenant_id=tenant_id, entity="service_request"),
        consumer=holder, account=held, service=item, price=item.price, description=description,
        priority=priority or item.priority,
        **_due(now, item.response_sla_hours, item.resolution_sla_hours))


@transaction.atomic
def complaint_create(*, tenant_id: uuid.UUID, consumer: int, category: str, subject: str,
                     account: str = "", description: str = "", priority: str = Priority.MEDIUM
                     ) -> Complaint:
    holder, held = _party(tenant_id, consumer, account)
    now = timezone.now()
    return Complaint.objects.create(
        tenant_id=tenant_id, number=numbers.take(tenant_id=tenant_id, entity="complaint"),
        consumer=holder, account=held, category=category, subject=subject, description=description,
        priority=priority, **_due(now, *COMPLAINT_SLA_HOURS[Priority(priority)]))


def _late(due: str, stamp: str, now: datetime) -> Case:
    """Stamp a breach now when `due` has passed and none is stamped yet."""
    return Case(When(Q(**{f"{due}__lt": now, f"{stamp}__isnull": True}), then=Value(now)),
                default=F(stamp))


def tracked_move(model: type[T], *, tenant_id: uuid.UUID, pk: int, to: str, note: str = "") -> T:
    """Move a request or complaint; 409 naming the allowed moves when `to` is not one."""
    now = timezone.now()
    changes: dict[str, Any] = {"updated_at": now}
    if to in (Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED):  # the first answer
        changes["responded_at"] = Coalesce(F("responded_at"), Value(now))
        changes["response_breached_at"] = Case(
            When(Q(responded_at__isnull=True, response_due_at__lt=now,
                   response_breached_at__isnull=True), then=Value(now)),
            default=F("response_breached_at"))
    if to == Status.RESOLVED:
        changes.update(resolved_at=now, breached_at=_late("resolution_due_at", "breached_at", now))
        if note:
            changes["resolution"] = note
    if to == Status.IN_PROGRESS:
        changes["resolved_at"] = None  # reopened
    rows = model.objects.filter(tenant_id=tenant_id, pk=pk)
    MACHINES[model].move(rows, to, label=f"{LABELS[model]} {pk}", **changes)
    return rows.select_related("consumer", "account").get()


def sla_breaches_flag(*, now: datetime) -> dict[str, int]:
    """Stamp every open request and complaint past a due time: four UPDATEs, idempotent."""
    flagged = {}
    for name, model in (("service_requests", ServiceRequest), ("complaints", Complaint)):
        open_work = model.objects.filter(~Q(status__in=DONE))
        flagged[name] = open_work.filter(resolution_due_at__lt=now, breached_at__isnull=True).update(
            breached_at=now)
        flagged[f"{name}_response"] = open_work.filter(
            response_due_at__lt=now, responded_at__isnull=True, response_breached_at__isnull=True
        ).update(response_breached_at=now)
    return flagged
