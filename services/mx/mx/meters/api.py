"""Meters (inventory, lifecycle, installation) and routes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mx.meters import selectors, services
from mx.meters.models import Meter, Route
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

SERIAL = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
REF = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


def serial_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(SERIAL, max_length=64, **kwargs)


def ref_field(help_text: str, **kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(REF, max_length=40, help_text=help_text, **kwargs)


class MeterOutput(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    model = serializers.CharField()
    utility_service = serializers.CharField()
    area_ref = serializers.CharField()
    digits = serializers.IntegerField()
    registers = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(Meter.Status.choices)
    account_number = serializers.CharField()
    premise = serializers.CharField()
    installed_at = serializers.DateTimeField(allow_null=True)
    initial_reading = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    last_reading = serializers.DecimalField(source="last_value", max_digits=14, decimal_places=3,
                                            allow_null=True,
                                            help_text="The last validated reading's value.")
    last_read_at = serializers.DateTimeField(allow_null=True)
    status_reason = serializers.CharField()
    status_changed_at = serializers.DateTimeField(allow_null=True)


class StopOutput(serializers.Serializer):
    position = serializers.IntegerField()
    meter_serial = serializers.CharField(source="meter.serial")
    account_number = serializers.CharField(source="meter.account_number")
    status = serializers.CharField(source="meter.status")


class RouteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    area_ref = serializers.CharField()
    utility_service = serializers.CharField()
    reader = serializers.CharField()


class RouteDetailOutput(RouteOutput):
    stops = StopOutput(many=True)


class MeterList(TenantListView):
    """The inventory; `?serial=` finds one meter (FLOW-API: account_number, status, last_reading).
    POST adds a meter to stock (IN_STOCK)."""

    module = "mx.meters"
    Output = MeterOutput

    class Filters(serializers.Serializer):
        serial = serializers.CharField(required=False, max_length=64)
        status = serializers.ChoiceField(Meter.Status.choices, required=False)
        account = serializers.CharField(required=False, max_length=40, help_text="Account number.")
        area_ref = serializers.CharField(required=False, max_length=60)
        utility_service = serializers.CharField(required=False, max_length=40)

    class Input(serializers.Serializer):
        serial = serial_field()
        model = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        utility_service = ref_field("onboarding's utility service id", required=False, default="")
        area_ref = ref_field("onboarding's area id", required=False, default="")
        digits = serializers.IntegerField(min_value=1, max_value=11, default=6,
                                          help_text="Dial digits (the register rolls over after).")
        registers = serializers.ListField(
            child=serializers.RegexField(r"^[a-z][a-z0-9_]{0,19}$"), max_length=8, required=False,
            default=list, help_text="Time-of-use bands, e.g. peak, offpeak.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.meter_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.meter_create(tenant_id=self.tenant_id, **self.input()))


class MeterDetail(TenantView):
    module = "mx.meters"
    Output = MeterOutput

    def get(self, request: Request, pk: int) -> Response:
        meter = selectors.meter_detail(tenant_id=self.tenant_id, meter_id=pk)
        if meter is None:
            raise NotFound("No such meter.")
        return self.respond(meter)


class MeterStatus(TenantView):
    """INSTALLED → REMOVED | FAULTY, IN_STOCK → FAULTY, REMOVED | FAULTY → IN_STOCK (409 else)."""

    module = "mx.meters"
    Output = MeterOutput

    class Input(serializers.Serializer):
        status = serializers.ChoiceField([Meter.Status.IN_STOCK, Meter.Status.REMOVED,
                                          Meter.Status.FAULTY])
        reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.meter_move(tenant_id=self.tenant_id, meter_id=pk, **self.input()))


class MeterInstall(TenantView):
    """IN_STOCK → INSTALLED on a premise, the initial reading recorded as the first reading.
    (Installations done by a wx work order arrive by event instead.)"""

    module = "mx.meters"
    rules = ("installed_at is not in the future",)
    Output = MeterOutput

    class Input(serializers.Serializer):
        premise = serializers.CharField(max_length=300)
        initial_reading = serializers.DecimalField(max_digits=14, decimal_places=3,
                                                   min_value=Decimal(0))
        installed_at = serializers.DateTimeField()
        account_number = serializers.RegexField(r"^[A-Za-z0-9-]{1,40}$", required=False, default="")

    def post(self, request: Request, pk: int) -> Response:
        data = self.input()
        meter = selectors.meter_detail(tenant_id=self.tenant_id, meter_id=pk)
        if meter is None:
            raise NotFound("No such meter.")
        return self.respond(services.meter_install(
            tenant_id=self.tenant_id, meter_id=pk, serial=meter.serial, **data))


class RouteList(TenantListView):
    module = "mx.routes"
    rules = ("meters are serials of this tenant's meters, each once",)
    Output = RouteOutput

    class Filters(serializers.Serializer):
        area_ref = serializers.CharField(required=False, max_length=60)
        utility_service = serializers.CharField(required=False, max_length=40)

    class Input(serializers.Serializer):
        code = serializers.RegexField(r"^[A-Za-z0-9-]{1,40}$")
        name = serializers.CharField(max_length=120)
        area_ref = ref_field("onboarding's area id")
        utility_service = ref_field("onboarding's utility service id")
        reader = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        meters = serializers.ListField(child=serial_field(), max_length=5000, required=False,
                                       default=list, help_text="Serials in walking order.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.route_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        route = services.route_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(route, status=201)


def _route(tenant_id: uuid.UUID, pk: int) -> Route:
    route = selectors.route_detail(tenant_id=tenant_id, route_id=pk)
    if route is None:
        raise NotFound("No such route.")
    return route


class RouteDetail(TenantView):
    module = "mx.routes"
    Output = RouteDetailOutput

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(_route(self.tenant_id, pk))


class RouteMeters(TenantView):
    """Replace the route's meters, in walking order."""

    module = "mx.routes"
    rules = ("meters are serials of this tenant's meters, each once",)
    Output = RouteDetailOutput

    class Input(serializers.Serializer):
        meters = serializers.ListField(child=serial_field(), max_length=5000)

    def put(self, request: Request, pk: int) -> Response:
        services.route_set_meters(tenant_id=self.tenant_id, route_id=pk, **self.input())
        return self.respond(_route(self.tenant_id, pk))
