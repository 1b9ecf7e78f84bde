"""Preventive-maintenance plans and the periods they came due in."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ax import common
from ax.maintenance import selectors, services
from ax.maintenance.models import MaintenanceDue, MaintenancePlan
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound


class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    asset = serializers.IntegerField(source="asset_id")
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(MaintenancePlan.Kind.choices)
    interval = serializers.DecimalField(max_digits=14, decimal_places=3)
    starts_on = serializers.DateField()
    lead_days = serializers.IntegerField()
    active = serializers.BooleanField()
    next_due_on = serializers.DateField(allow_null=True, help_text="Calendar plans.")
    next_due_usage = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True,
                                              help_text="Usage plans.")
    created_at = serializers.DateTimeField()


class DueOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    asset = serializers.IntegerField(source="asset_id")
    period = serializers.CharField()
    request_key = serializers.CharField(help_text="The PREVENTIVE work order's key in wx.")
    due_on = serializers.DateField()
    status = serializers.ChoiceField(MaintenanceDue.Status.choices)
    completed_at = serializers.DateTimeField(allow_null=True)
    work_order_number = serializers.CharField()


class PlanList(TenantListView):
    """DAYS and MONTHS plans come due every `interval` days or months from `starts_on`; USAGE plans
    each time the asset's usage passes a multiple of `interval`."""

    module = "ax.maintenance"
    Output = PlanOutput
    idempotent = True  # a plan makes work (work orders, period after period)
    rules = (common.DATE_RULE, "DAYS: interval a whole number 1-3650; MONTHS: 1-120",
             "starts_on required for DAYS and MONTHS plans")

    class Filters(serializers.Serializer):
        asset = common.ref("asset", required=False)
        kind = serializers.ChoiceField(MaintenancePlan.Kind.choices, required=False)
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    class Input(serializers.Serializer):
        asset = common.ref("asset")
        name = common.name()
        description = common.text(required=False, default="")
        kind = serializers.ChoiceField(MaintenancePlan.Kind.choices)
        interval = serializers.DecimalField(max_digits=14, decimal_places=3,
                                            min_value=Decimal("0.001"), max_value=Decimal(10**9))
        starts_on = common.day(required=False, allow_null=True, default=None)
        lead_days = serializers.IntegerField(min_value=0, max_value=365, default=0,
                                             help_text="Announce the period this many days early.")
        active = serializers.BooleanField(default=True)

    def get(self, request: Request) -> Response:
        return self.page(selectors.plan_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.plan_create(tenant_id=self.tenant_id, **self.input()))


class PlanDetail(TenantView):
    module = "ax.maintenance"
    Output = PlanOutput

    class Input(serializers.Serializer):
        name = common.name(required=False)
        description = common.text(required=False)
        lead_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
        active = serializers.BooleanField(required=False)

    def get(self, request: Request, pk: int) -> Response:
        plan = selectors.plan_detail(tenant_id=self.tenant_id, plan_id=pk)
        if plan is None:
            raise NotFound(f"No such maintenance plan {pk}.")
        return self.respond(plan)

    def patch(self, request: Request, pk: int) -> Response:
        return self.respond(services.plan_update(tenant_id=self.tenant_id, plan_id=pk,
                                                 **self.input()))


class DueList(TenantListView):
    """The periods plans came due in: OPEN until wx completes their work order."""

    module = "ax.maintenance"
    Output = DueOutput

    class Filters(serializers.Serializer):
        plan = common.ref("maintenance plan", required=False)
        asset = common.ref("asset", required=False)
        status = serializers.ChoiceField(MaintenanceDue.Status.choices, required=False)
        overdue = serializers.BooleanField(required=False, allow_null=True, default=None,
                                           help_text="OPEN and past its due day (tenant's today).")

    def get(self, request: Request) -> Response:
        return self.page(selectors.due_list(tenant_id=self.tenant_id, **self.filters()))


class DueDetail(TenantView):
    module = "ax.maintenance"
    Output = DueOutput

    def get(self, request: Request, pk: int) -> Response:
        due = selectors.due_detail(tenant_id=self.tenant_id, due_id=pk)
        if due is None:
            raise NotFound(f"No such maintenance due {pk}.")
        return self.respond(due)
