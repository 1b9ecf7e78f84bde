"""Writes of meters: inventory, the lifecycle, installation from field work and activation, routes.

Meter: IN_STOCK → INSTALLED → REMOVED | FAULTY; REMOVED | FAULTY → IN_STOCK. Any other move via
the API is a 409 naming the allowed ones.

Installation arrives by two events in either order: wx's INSTALLATION completion (serial, initial
reading, completed_at; the account number not yet known) and cx's activation (the account number,
the same serial, reading and time). Each upserts the meter by serial; the installation reading is
written once (unique per meter and instant), so a redelivered or repeated event changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mx.meters.models import Meter, Route, RouteStop
from mx.readings.models import Reading
from smart360.domain.states import StateMachine
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.logging import get_logger

log = get_logger(__name__)
M = Meter.Status
METER = StateMachine("meter", {
    M.IN_STOCK: (M.INSTALLED, M.FAULTY),
    M.INSTALLED: (M.REMOVED, M.FAULTY),
    M.REMOVED: (M.IN_STOCK,),
    M.FAULTY: (M.IN_STOCK,),
})


def meter_create(*, tenant_id: uuid.UUID, serial: str, model: str = "", utility_service: str = "",
                 area_ref: str = "", digits: int = 6, registers: list[str] | None = None) -> Meter:
    """A meter into inventory (IN_STOCK); its serial must be new to the tenant (409)."""
    try:
        with transaction.atomic():
            return Meter.objects.create(
                tenant_id=tenant_id, serial=serial, model=model, utility_service=utility_service,
                area_ref=area_ref, digits=digits, registers=registers or [],
                status_changed_at=timezone.now())
    except IntegrityError as exc:
        raise Conflict(f"Meter {serial} is already registered.", code="meter_serial_taken") from exc


def meter_move(*, tenant_id: uuid.UUID, meter_id: int, status: str, reason: str = "") -> Meter:
    """REMOVED, FAULTY or back IN_STOCK (installing goes through meter_install)."""
    if status == M.INSTALLED:
        raise ValidationFailed("Install a meter with its premise and initial reading "
                               "(POST meters/{id}/install/).", errors={"status": "use install"})
    changes: dict[str, Any] = {"status_reason": reason, "status_changed_at": timezone.now(),
                               "updated_at": timezone.now()}
    if status == M.IN_STOCK:  # off the premise: no account, no reading base
        changes.update(account_number="", premise="", installed_at=None, initial_reading=None,
                       last_value=None, last_read_at=None)
    METER.move(Meter.objects.filter(tenant_id=tenant_id, pk=meter_id), status,
               label=f"Meter {meter_id}", **changes)
    return Meter.objects.get(tenant_id=tenant_id, pk=meter_id)


@transaction.atomic
def meter_install(*, tenant_id: uuid.UUID, serial: str, initial_reading: Decimal,
                  installed_at: datetime, account_number: str | None = None, premise: str = "",
                  area_ref: str = "", utility_service: str = "", from_event: bool = False,
                  meter_id: int | None = None) -> Meter:
    """Install (or confirm the installation of) a meter and record its initial reading.

    From the API (`from_event=False`) the meter must be IN_STOCK (409 otherwise). From an event
    the field is the truth: an unknown serial is registered as it is installed, a REMOVED or
    FAULTY one reinstalled (logged), an INSTALLED one only gains what it lacked (the account
    number when the completion came first) — the same event twice changes nothing."""
    rows = Meter.objects.filter(tenant_id=tenant_id)
    if from_event:
        Meter.objects.bulk_create([Meter(tenant_id=tenant_id, serial=serial, status=M.IN_STOCK)],
                                  ignore_conflicts=True)
        meter = rows.select_for_update().get(serial=serial)
    else:
        found = rows.select_for_update().filter(pk=meter_id).first()
        if found is None:
            raise NotFound("No such meter.")
        meter = found
        if installed_at > timezone.now():
            raise ValidationFailed("installed_at is in the future.",
                                   errors={"installed_at": "in the future"})
        METER.check(meter.status, M.INSTALLED, label=f"Meter {meter.serial}")
    now = timezone.now()
    fields = ("status", "status_changed_at", "status_reason", "installed_at", "initial_reading",
              "account_number", "premise", "area_ref", "utility_service", "last_value",
              "last_read_at")
    before = {f: getattr(meter, f) for f in fields}
    if meter.status != M.INSTALLED:
        if meter.status != M.IN_STOCK:
            log.warning("meter.reinstalled", serial=serial, was=meter.status)
        meter.status, meter.status_changed_at, meter.status_reason = M.INSTALLED, now, ""
        meter.installed_at, meter.initial_reading = installed_at, initial_reading
        meter.account_number, meter.premise = "", ""
        meter.last_value, meter.last_read_at = None, None
    if account_number and not meter.account_number:
        meter.account_number = account_number
    for field, value in (("premise", premise), ("area_ref", area_ref),
                         ("utility_service", utility_service)):
        if value and not getattr(meter, field):
            setattr(meter, field, value)
    if meter.last_read_at is None or meter.last_read_at < meter.installed_at:
        meter.last_value, meter.last_read_at = meter.initial_reading, meter.installed_at
    changed = [f for f in fields if getattr(meter, f) != before[f]]
    if changed:  # the same installation announced again changes nothing, not even updated_at
        meter.updated_at = now
        meter.save(update_fields=[*changed, "updated_at"])
    Reading.objects.bulk_create([Reading(
        tenant_id=tenant_id, meter=meter, account_number=meter.account_number,
        read_at=meter.installed_at, value=meter.initial_reading, consumption=Decimal(0),
        status=Reading.Status.PASS, source=Reading.Source.INSTALLATION)], ignore_conflicts=True)
    if meter.account_number:  # the installation reading learns its account once it is known
        Reading.objects.filter(meter=meter, source=Reading.Source.INSTALLATION,
                               account_number="").update(account_number=meter.account_number)
    return meter


# -- routes ------------------------------------------------------------------------------------
def _stops(tenant_id: uuid.UUID, route: Route, serials: list[str]) -> None:
    if len(set(serials)) != len(serials):
        raise ValidationFailed("A meter appears twice on the route.", errors={"meters": "duplicates"})
    ids = dict(Meter.objects.filter(tenant_id=tenant_id, serial__in=serials)
               .values_list("serial", "pk"))
    unknown = [s for s in serials if s not in ids]
    if unknown:
        raise ValidationFailed(f"Unknown meters: {', '.join(unknown[:10])}.",
                               errors={"meters": f"unknown: {', '.join(unknown[:10])}"})
    RouteStop.objects.filter(route=route).delete()
    RouteStop.objects.bulk_create([RouteStop(tenant_id=tenant_id, route=route, meter_id=ids[s],
                                             position=i) for i, s in enumerate(serials, 1)])


@transaction.atomic
def route_create(*, tenant_id: uuid.UUID, code: str, name: str, area_ref: str, utility_service: str,
                 reader: str = "", meters: list[str] | None = None) -> Route:
    try:
        with transaction.atomic():
            route = Route.objects.create(tenant_id=tenant_id, code=code, name=name, area_ref=area_ref,
                                         utility_service=utility_service, reader=reader)
    except IntegrityError as exc:
        raise Conflict(f"Route {code} already exists.", code="route_code_taken") from exc
    _stops(tenant_id, route, meters or [])
    return route


@transaction.atomic
def route_set_meters(*, tenant_id: uuid.UUID, route_id: int, meters: list[str]) -> Route:
    """Replace the route's meters with `meters`, in that walking order."""
    route = Route.objects.select_for_update().filter(tenant_id=tenant_id, pk=route_id).first()
    if route is None:
        raise NotFound("No such route.")
    _stops(tenant_id, route, meters)
    return route
