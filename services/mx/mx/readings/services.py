"""Writes of the readings app: readings (one, a file, an override), read cycles and schedules.

Read cycle: SCHEDULED → IN_PROGRESS → COMPLETED; SCHEDULED | IN_PROGRESS → DELAYED (past due,
the hourly sweep) → COMPLETED; SCHEDULED | IN_PROGRESS | DELAYED ⇄ PAUSED (a pause resumes to
IN_PROGRESS). Any other move is a 409 naming the allowed ones.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from mx.meters.models import Meter, Route
from mx.readings import ingest
from mx.readings.models import ReadCycle, Reading, ReadingOverride, ReadSchedule, RouteDispatch
from smart360.contracts.mx import ReadingValidated
from smart360.domain.models import TenantProfile
from smart360.domain.states import StateMachine
from smart360.domain.tenants import tenant_zone
from smart360.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish

C = ReadCycle.Status
R = Reading.Status
CYCLE = StateMachine("read cycle", {
    C.SCHEDULED: (C.IN_PROGRESS, C.DELAYED, C.PAUSED),
    C.IN_PROGRESS: (C.COMPLETED, C.DELAYED, C.PAUSED),
    C.DELAYED: (C.COMPLETED, C.PAUSED),
    C.PAUSED: (C.IN_PROGRESS,),
})
# A REVISIT reading is decided by a person; PASS, EXEMPTION (published) and MISSING are final.
READING = StateMachine("reading", {R.REVISIT: (R.PASS, R.EXEMPTION)})

MAX_UPLOAD_LINES = 200_000
_STATUS_OF_CODE = {"unknown_meter": NotFound, "too_many_digits": ValidationFailed}


# -- readings ----------------------------------------------------------------------------------
@transaction.atomic
def reading_record(*, tenant_id: uuid.UUID, meter_serial: str, read_at: datetime, value: Decimal,
                   photo: str = "") -> dict[str, Any]:
    """One reading through the same set-based path as a file. 404 for an unknown meter, 409 when
    the meter is not installed or linked, or already read at or after `read_at`."""
    zone = tenant_zone(tenant_id)
    read_at = _aware(read_at, zone)
    if read_at > timezone.now():
        raise ValidationFailed("read_at is in the future.", errors={"read_at": "in the future"})
    outcome = ingest.ingest(tenant_id=tenant_id, source=Reading.Source.MANUAL, zone=zone.key,
                            rows=[ingest.Row(1, meter_serial, read_at, value, photo)])
    if outcome.rejected:
        refused = outcome.rejected[0]
        error: type[ApplicationError] = _STATUS_OF_CODE.get(refused["code"], Conflict)
        raise error(refused["error"][0].upper() + refused["error"][1:] + ".", code=refused["code"])
    return outcome.accepted[0]


@transaction.atomic
def readings_upload(*, tenant_id: uuid.UUID, content: bytes) -> dict[str, Any]:
    """A CSV file `meter_serial,read_at,value[,photo]` (a header line optional). Lines that do not
    parse, or that validation refuses, come back as {line, error}; the others are recorded in
    this one transaction. Sending the same file again records nothing twice: its lines are
    refused as duplicates (one reading per meter and instant)."""
    zone = tenant_zone(tenant_id)
    now = timezone.now()
    rows: list[ingest.Row] = []
    rejected: list[dict[str, Any]] = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8 text.", errors={"file": "not UTF-8"}) from exc
    reader = csv.reader(io.StringIO(text))
    for fields in reader:
        line = reader.line_num
        if line > MAX_UPLOAD_LINES:
            raise ValidationFailed(f"At most {MAX_UPLOAD_LINES} lines per file.",
                                   errors={"file": "too many lines"})
        if not fields or all(not f.strip() for f in fields):
            continue
        if line == 1 and fields[0].strip().lower() == "meter_serial":
            continue
        row = _parse_line(line, fields, zone=zone, now=now)
        if isinstance(row, str):
            rejected.append({"line": line, "error": row})
        else:
            rows.append(row)
    outcome = ingest.ingest(tenant_id=tenant_id, rows=rows, source=Reading.Source.UPLOAD,
                            zone=zone.key)
    rejected += [{"line": r["line"], "error": r["error"]} for r in outcome.rejected]
    rejected.sort(key=lambda r: r["line"])
    return {"accepted": len(outcome.accepted), "rejected": rejected, "statuses": outcome.statuses}


def _parse_line(line: int, fields: list[str], *, zone: Any, now: datetime) -> ingest.Row | str:
    if len(fields) not in (3, 4):
        return f"expected meter_serial,read_at,value[,photo]; got {len(fields)} fields"
    serial, read_at_text, value_text = (f.strip() for f in fields[:3])
    photo = fields[3].strip() if len(fields) == 4 else ""
    if not serial or len(serial) > 64:
        return "meter_serial is empty or longer than 64 characters"
    if len(photo) > 500:
        return "photo reference longer than 500 characters"
    try:
        read_at = _aware(datetime.fromisoformat(read_at_text), zone)
    except ValueError:
        return f"read_at {read_at_text!r} is not an ISO 8601 date-time"
    if read_at > now:
        return "read_at is in the future"
    try:
        value = Decimal(value_text)
    except InvalidOperation:
        return f"value {value_text!r} is not a number"
    if not value.is_finite() or value < 0:
        return "value must be a non-negative number"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        return "value has more than 3 decimal places"
    if value >= Decimal("1e11"):
        return "value is too large"
    return ingest.Row(line, serial, read_at, value, photo)


def _aware(moment: datetime, zone: Any) -> datetime:
    """A time without an offset is the tenant's wall-clock time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


@transaction.atomic
def reading_override(*, tenant_id: uuid.UUID, reading_id: int, status: str, reason: str, by: str,
                     consumption: Decimal | None = None) -> Reading:
    """A person decides a REVISIT reading: PASS or EXEMPTION, with the audit (who, when, why).

    The consumption is measured again from the meter's last validated reading (a rollover when
    plausible), unless given; a negative one must be given. The reading becomes the meter's base
    and is published. 409 when the meter has a later validated reading (the chain would break)."""
    reading = (Reading.objects.select_related("meter").select_for_update()
               .filter(tenant_id=tenant_id, pk=reading_id).first())
    if reading is None:
        raise NotFound("No such reading.")
    READING.check(reading.status, status, label=f"Reading {reading_id}")
    meter = Meter.objects.select_for_update().get(pk=reading.meter_id)
    if meter.last_read_at and meter.last_read_at >= reading.read_at:
        raise Conflict(f"Meter {meter.serial} has a validated reading at or after this one "
                       f"({meter.last_read_at.isoformat()}); record a new reading instead.",
                       code="later_reading_validated")
    if not meter.account_number or meter.last_value is None or meter.last_read_at is None:
        raise Conflict(f"Meter {meter.serial} is not installed on an account.", code="no_account")
    assert reading.value is not None  # only REVISIT readings (which have a value) get here
    if consumption is None:
        consumption = reading.value - meter.last_value
        dial = Decimal(10) ** meter.digits
        if consumption < 0 and meter.last_value >= dial * Decimal("0.9"):
            consumption = dial - meter.last_value + reading.value
        if consumption < 0:
            raise ValidationFailed("The consumption is negative: give it explicitly (a replaced "
                                   "meter, a misread previous value).",
                                   errors={"consumption": "required for a negative reading"})
    if status == R.EXEMPTION and consumption != 0:
        raise ValidationFailed("An EXEMPTION bills no consumption: give consumption 0.",
                               errors={"consumption": "must be 0 for EXEMPTION"})
    ReadingOverride.objects.create(
        tenant_id=tenant_id, reading=reading, previous_status=reading.status, status=status,
        previous_consumption=reading.consumption, consumption=consumption, by=by, reason=reason)
    now = timezone.now()
    Reading.objects.filter(pk=reading.pk).update(
        status=status, rule="override", consumption=consumption, previous_value=meter.last_value,
        previous_read_at=meter.last_read_at, account_number=meter.account_number, updated_at=now)
    publish(ReadingValidated(
        reading_id=reading.pk, account_number=meter.account_number, meter_serial=meter.serial,
        read_at=reading.read_at, value=reading.value, previous_value=meter.last_value,
        previous_read_at=meter.last_read_at, consumption=consumption,
        status="PASS" if status == R.PASS else "EXEMPTION"),
        tenant_id=tenant_id)
    Meter.objects.filter(pk=meter.pk).update(last_value=reading.value,
                                             last_read_at=reading.read_at, updated_at=now)
    reading.refresh_from_db()
    return reading


# -- read cycles -------------------------------------------------------------------------------
def read_cycle_create(*, tenant_id: uuid.UUID, name: str, area_ref: str, utility_service: str,
                      scheduled_start_on: date, due_on: date) -> ReadCycle:
    if due_on < scheduled_start_on:
        raise ValidationFailed("due_on is before scheduled_start_on.",
                               errors={"due_on": "before scheduled_start_on"})
    try:
        with transaction.atomic():
            return ReadCycle.objects.create(
                tenant_id=tenant_id, name=name, area_ref=area_ref, utility_service=utility_service,
                scheduled_start_on=scheduled_start_on, due_on=due_on)
    except IntegrityError as exc:
        raise Conflict("A read cycle of this area and service already starts that day.",
                       code="read_cycle_exists") from exc


@transaction.atomic
def read_cycle_move(*, tenant_id: uuid.UUID, cycle_id: int, status: str) -> ReadCycle:
    """Start, pause, resume, complete. Completing marks the meters left unread MISSING."""
    now = timezone.now()
    changes: dict[str, Any] = {"updated_at": now}
    if status == C.DELAYED:
        changes["delayed_at"] = now
    CYCLE.move(ReadCycle.objects.filter(tenant_id=tenant_id, pk=cycle_id), status,
               label=f"Read cycle {cycle_id}", **changes)
    if status == C.COMPLETED:
        readings_mark_missing(cycle_ids=[cycle_id], now=now)
    return ReadCycle.objects.get(pk=cycle_id)


@transaction.atomic
def read_cycle_dispatch(*, tenant_id: uuid.UUID, cycle_id: int, route_id: int, reader: str = ""
                        ) -> RouteDispatch:
    """Hand a route of the cycle's area and service to a reader (once per cycle and route; again
    changes only the reader). A SCHEDULED cycle starts."""
    cycle = ReadCycle.objects.select_for_update().filter(tenant_id=tenant_id, pk=cycle_id).first()
    if cycle is None:
        raise NotFound("No such read cycle.")
    route = Route.objects.filter(tenant_id=tenant_id, pk=route_id).first()
    if route is None:
        raise NotFound("No such route.")
    if (route.area_ref, route.utility_service) != (cycle.area_ref, cycle.utility_service):
        raise Conflict(f"Route {route.code} is not in the cycle's area and service.",
                       code="route_outside_cycle")
    if cycle.status not in (C.SCHEDULED, C.IN_PROGRESS, C.DELAYED):
        raise CYCLE.refuse(cycle.status, C.IN_PROGRESS, label=f"Read cycle {cycle_id}")
    if cycle.status == C.SCHEDULED:
        CYCLE.move(ReadCycle.objects.filter(pk=cycle.pk), C.IN_PROGRESS, updated_at=timezone.now())
    dispatch, _ = RouteDispatch.objects.update_or_create(
        tenant_id=tenant_id, cycle=cycle, route=route,
        defaults={"reader": reader or route.reader})
    return dispatch


def read_schedule_create(*, tenant_id: uuid.UUID, name: str, area_ref: str, utility_service: str,
                         next_open_on: date, period_months: int = 1, window_days: int = 7
                         ) -> ReadSchedule:
    try:
        with transaction.atomic():
            return ReadSchedule.objects.create(
                tenant_id=tenant_id, name=name, area_ref=area_ref, utility_service=utility_service,
                next_open_on=next_open_on, period_months=period_months, window_days=window_days)
    except IntegrityError as exc:
        raise Conflict("This area and service already have a read schedule.",
                       code="read_schedule_exists") from exc


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


_PROFILE = TenantProfile._meta.db_table


def _local_today(table: str) -> RawSQL:
    """The row's tenant's date today (its time zone from the tenant profile; UTC when unknown)."""
    sql = (f"(now() AT TIME ZONE COALESCE((SELECT p.timezone FROM {_PROFILE} p "  # noqa: S608
           f"WHERE p.tenant_id = {table}.tenant_id), 'UTC'))::date")
    return RawSQL(sql, [])  # noqa: S611 - our table names, no input


def read_cycles_open(*, as_of: date | None, now: datetime) -> dict[str, int]:
    """Open the cycles whose schedule is due (as of `as_of`, else each tenant's own today), one
    period per firing, and start every SCHEDULED cycle whose start day has come.

    Set-based: a locking SELECT, one INSERT … ON CONFLICT DO NOTHING (a cycle per area, service
    and start day: a re-fired schedule opens nothing twice), one UPDATE of the schedules, one of
    the cycles."""
    with transaction.atomic():
        due = list(ReadSchedule.objects.select_for_update(skip_locked=True).filter(
            active=True, next_open_on__lte=as_of or _local_today(ReadSchedule._meta.db_table)))
        before = ReadCycle.objects.count()
        ReadCycle.objects.bulk_create([ReadCycle(
            tenant_id=s.tenant_id, schedule=s, area_ref=s.area_ref, utility_service=s.utility_service,
            name=f"{s.name} {s.next_open_on:%Y-%m}", scheduled_start_on=s.next_open_on,
            due_on=s.next_open_on + timedelta(days=s.window_days - 1)) for s in due],
            ignore_conflicts=True)
        opened = ReadCycle.objects.count() - before
        for s in due:
            s.next_open_on, s.updated_at = _add_months(s.next_open_on, s.period_months), now
        ReadSchedule.objects.bulk_update(due, ["next_open_on", "updated_at"])
        started = ReadCycle.objects.filter(
            status=C.SCHEDULED,
            scheduled_start_on__lte=as_of or _local_today(ReadCycle._meta.db_table),
        ).update(status=C.IN_PROGRESS, updated_at=now)
    return {"schedules_due": len(due), "opened": opened, "started": started}


def read_cycles_mark_overdue(*, today: date | None, now: datetime) -> int:
    """Scheduled or in-progress cycles whose due date has passed (in the tenant's calendar, or
    before `today` when given) become DELAYED, in one UPDATE.

    A cycle due today is still on time. Idempotent: a DELAYED cycle no longer matches.
    """
    return ReadCycle.objects.filter(
        status__in=ReadCycle.OPEN, due_on__lt=today or _local_today(ReadCycle._meta.db_table),
    ).update(status=C.DELAYED, delayed_at=now, updated_at=now)


def readings_mark_missing(*, cycle_ids: list[int] | None = None, as_of: date | None = None,
                          now: datetime) -> int:
    """A MISSING reading for every installed meter of a cycle's area and service not read in the
    cycle, for the given cycles, or for every cycle past its due date (as of `as_of`, else the
    tenant's today) not marked yet and not PAUSED. Two statements whatever the number of meters;
    idempotent (one MISSING per cycle and meter, and the cycle is marked)."""
    cycles = ReadCycle.objects.filter(missing_marked_at__isnull=True)
    if cycle_ids is not None:
        cycles = cycles.filter(pk__in=cycle_ids)
    else:
        cycles = cycles.exclude(status=C.PAUSED).filter(
            due_on__lt=as_of or _local_today(ReadCycle._meta.db_table))
    ids = list(cycles.select_for_update(skip_locked=True).values_list("pk", flat=True))
    if not ids:
        return 0
    m, r, c = Meter._meta.db_table, Reading._meta.db_table, ReadCycle._meta.db_table
    with connection.cursor() as cursor:
        # read_at: the last instant of the due day in the tenant's time zone.
        cursor.execute(f"""
            INSERT INTO {r} (tenant_id, created_at, updated_at, meter_id, account_number, cycle_id,
                             read_at, status, rule, source, photo)
            SELECT c.tenant_id, %(now)s, %(now)s, m.id, m.account_number, c.id,
                   ((c.due_on + 1)::timestamp AT TIME ZONE COALESCE(p.timezone, 'UTC'))
                       - interval '1 microsecond',
                   'MISSING', 'missing', 'CYCLE', ''
            FROM {c} c
            LEFT JOIN {_PROFILE} p ON p.tenant_id = c.tenant_id
            JOIN {m} m ON m.tenant_id = c.tenant_id AND m.area_ref = c.area_ref
                      AND m.utility_service = c.utility_service AND m.status = 'INSTALLED'
            WHERE c.id = ANY(%(ids)s)
              AND NOT EXISTS (SELECT 1 FROM {r} x WHERE x.meter_id = m.id AND x.cycle_id = c.id)
            ON CONFLICT DO NOTHING""", {"now": now, "ids": ids})  # noqa: S608
        marked = cursor.rowcount
    ReadCycle.objects.filter(pk__in=ids).update(missing_marked_at=now, updated_at=now)
    return marked

