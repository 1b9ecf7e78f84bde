"""Readings (one, a CSV file, a manual decision), the validation rate, read cycles and schedules."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from mx.meters.api import ref_field, serial_field
from mx.readings import selectors, services
from mx.readings.models import ReadCycle, Reading
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound


class OverrideOutput(serializers.Serializer):
    previous_status = serializers.CharField()
    status = serializers.CharField()
    previous_consumption = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    consumption = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    by = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReadingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    meter_serial = serializers.CharField(source="meter.serial")
    account_number = serializers.CharField()
    read_at = serializers.DateTimeField()
    value = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    previous_value = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    previous_read_at = serializers.DateTimeField(allow_null=True)
    consumption = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    status = serializers.ChoiceField(Reading.Status.choices)
    rule = serializers.CharField(help_text="negative, rollover, zero, spike, missing, override "
                                           "or empty (a plain pass).")
    source = serializers.ChoiceField(Reading.Source.choices)  # type: ignore[assignment]
    photo = serializers.CharField()
    cycle = serializers.IntegerField(source="cycle_id", allow_null=True)
    created_at = serializers.DateTimeField()


class ReadingDetailOutput(ReadingOutput):
    overrides = OverrideOutput(many=True, source="audit")


class RejectedLine(serializers.Serializer):
    line = serializers.IntegerField()
    error = serializers.CharField()


class UploadOutput(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Lines recorded (any status).")
    rejected = RejectedLine(many=True)
    statuses = serializers.DictField(child=serializers.IntegerField(),
                                     help_text="Accepted lines by status.")


class RateOutput(serializers.Serializer):
    cycle = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Readings by status: PASS, REVISIT, EXEMPTION, MISSING.")
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True,
                                    help_text="PASS ÷ all readings (installation readings aside).")


class ReadingList(TenantListView):
    """POST one reading: validated at once (status, consumption); PASS and EXEMPTION are
    published to billing. 404 unknown meter; 409 meter not installed or linked, or already read
    at or after read_at."""

    module = "mx.readings"
    rules = ("read_at is not in the future", "value fits the meter's dial digits")
    idempotent = True
    Output = ReadingOutput

    class Filters(serializers.Serializer):
        meter = serializers.CharField(required=False, max_length=64, help_text="Meter serial.")
        account = serializers.CharField(required=False, max_length=40)
        status = serializers.ChoiceField(Reading.Status.choices, required=False)
        cycle = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)

    class Input(serializers.Serializer):
        meter_serial = serial_field()
        read_at = serializers.DateTimeField(help_text="Never in the future.")
        value = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal(0))
        photo = serializers.CharField(max_length=500, required=False, default="", allow_blank=True,
                                      help_text="A reference to the photo (URL or storage key).")

    def get(self, request: Request) -> Response:
        return self.page(selectors.reading_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        recorded = services.reading_record(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.reading_detail(tenant_id=self.tenant_id,
                                                     reading_id=recorded["id"]))


class ReadingDetail(TenantView):
    module = "mx.readings"
    Output = ReadingDetailOutput

    def get(self, request: Request, pk: int) -> Response:
        reading = selectors.reading_detail(tenant_id=self.tenant_id, reading_id=pk)
        if reading is None:
            raise NotFound("No such reading.")
        return self.respond(reading)


class ReadingOverride(TenantView):
    """A person decides a REVISIT reading (PASS or EXEMPTION), with a reason; audited."""

    module = "mx.readings"
    rules = ("a negative consumption must be given; an EXEMPTION's consumption is 0",)
    Output = ReadingDetailOutput

    class Input(serializers.Serializer):
        status = serializers.ChoiceField([Reading.Status.PASS, Reading.Status.EXEMPTION])
        reason = serializers.CharField(max_length=500)
        consumption = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal(0),
                                               required=False, allow_null=True, default=None)

    def post(self, request: Request, pk: int) -> Response:
        services.reading_override(tenant_id=self.tenant_id, reading_id=pk,
                                  by=self.principal.email or self.principal.subject, **self.input())
        return self.respond(selectors.reading_detail(tenant_id=self.tenant_id, reading_id=pk))


class ReadingUpload(TenantView):
    """A CSV file (multipart `file`): `meter_serial,read_at,value[,photo]` per line, a header line
    optional, read_at ISO 8601 (no offset: the tenant's time zone). Bad lines come back with their
    number and reason; the others are recorded together, or nothing is."""

    module = "mx.readings"
    parser_classes: ClassVar[list[type]] = [MultiPartParser]  # type: ignore[misc]
    rules = ("at most 200,000 lines, UTF-8",)
    Output = UploadOutput

    class Input(serializers.Serializer):
        file = serializers.FileField(max_length=200, allow_empty_file=True)

    def post(self, request: Request) -> Response:
        upload = self.input()["file"]
        return self.respond(services.readings_upload(tenant_id=self.tenant_id,
                                                     content=upload.read()))


class ValidationRate(TenantView):
    module = "mx.readings"
    Output = RateOutput

    class Filters(serializers.Serializer):
        cycle = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)

    def get(self, request: Request) -> Response:
        filters = self.filters()
        if "cycle" in filters and selectors.read_cycle_detail(
                tenant_id=self.tenant_id, cycle_id=filters["cycle"]) is None:
            raise NotFound("No such read cycle.")
        return self.respond(selectors.validation_rate(tenant_id=self.tenant_id, **filters))


# -- read cycles -------------------------------------------------------------------------------
class CycleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    area_ref = serializers.CharField()
    utility_service = serializers.CharField()
    scheduled_start_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(ReadCycle.Status.choices)
    delayed_at = serializers.DateTimeField(allow_null=True)
    missing_marked_at = serializers.DateTimeField(allow_null=True)
    schedule = serializers.IntegerField(source="schedule_id", allow_null=True)


class ScheduleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    area_ref = serializers.CharField()
    utility_service = serializers.CharField()
    next_open_on = serializers.DateField()
    period_months = serializers.IntegerField()
    window_days = serializers.IntegerField()
    active = serializers.BooleanField()


class SheetStop(serializers.Serializer):
    position = serializers.IntegerField()
    meter_serial = serializers.CharField()
    account_number = serializers.CharField()
    premise = serializers.CharField()
    last_reading = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    last_read_at = serializers.DateTimeField(allow_null=True)
    read = serializers.BooleanField(help_text="The cycle already has a reading of this meter.")


class DispatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    route = serializers.IntegerField()
    reader = serializers.CharField()
    created_at = serializers.DateTimeField()
    stops = SheetStop(many=True)


class ReadCycleList(TenantListView):
    module = "mx.read_cycles"
    rules = ("due_on is not before scheduled_start_on",)
    Output = CycleOutput

    class Filters(serializers.Serializer):
        status = serializers.ChoiceField(ReadCycle.Status.choices, required=False)
        area_ref = serializers.CharField(required=False, max_length=60)
        utility_service = serializers.CharField(required=False, max_length=40)

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        area_ref = ref_field("onboarding's area id")
        utility_service = ref_field("onboarding's utility service id")
        scheduled_start_on = serializers.DateField()
        due_on = serializers.DateField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.read_cycle_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.read_cycle_create(tenant_id=self.tenant_id, **self.input()))


class ReadCycleDetail(TenantView):
    module = "mx.read_cycles"
    Output = CycleOutput

    def get(self, request: Request, pk: int) -> Response:
        cycle = selectors.read_cycle_detail(tenant_id=self.tenant_id, cycle_id=pk)
        if cycle is None:
            raise NotFound("No such read cycle.")
        return self.respond(cycle)


class ReadCycleStatus(TenantView):
    """Start (IN_PROGRESS), pause (PAUSED), resume (IN_PROGRESS), complete (COMPLETED: the meters
    left unread get a MISSING reading). 409 naming the allowed moves otherwise."""

    module = "mx.read_cycles"
    Output = CycleOutput

    class Input(serializers.Serializer):
        status = serializers.ChoiceField([ReadCycle.Status.IN_PROGRESS, ReadCycle.Status.PAUSED,
                                          ReadCycle.Status.COMPLETED])

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.read_cycle_move(tenant_id=self.tenant_id, cycle_id=pk,
                                                     **self.input()))


class ReadCycleDispatch(TenantView):
    """Hand a route to a reader for this cycle: the sheet of meters in walking order."""

    module = "mx.read_cycles"
    Output = DispatchOutput

    class Input(serializers.Serializer):
        route = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        reader = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)

    def post(self, request: Request, pk: int) -> Response:
        data = self.input()
        dispatch = services.read_cycle_dispatch(tenant_id=self.tenant_id, cycle_id=pk,
                                                route_id=data["route"], reader=data["reader"])
        return self.respond(selectors.dispatch_sheet(dispatch=dispatch))


class ReadScheduleList(TenantListView):
    """A cycle opens every period_months from next_open_on (the hourly job, tenant's calendar)."""

    module = "mx.read_cycles"
    Output = ScheduleOutput

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        area_ref = ref_field("onboarding's area id")
        utility_service = ref_field("onboarding's utility service id")
        next_open_on = serializers.DateField()
        period_months = serializers.IntegerField(min_value=1, max_value=12, default=1)
        window_days = serializers.IntegerField(min_value=1, max_value=60, default=7)

    def get(self, request: Request) -> Response:
        return self.page(selectors.read_schedule_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.read_schedule_create(tenant_id=self.tenant_id, **self.input()))
