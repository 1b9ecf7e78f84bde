"""Billing API (FLOW-API §3): bill cycles, bill runs (create, read, approve, issue, exceptions),
bills (list by account, off-cycle create, approve, issue, void, PDF). Shapes only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bx.billing import pdf, selectors, services
from bx.billing.models import Bill, BillException, BillRun
from bx.projections.models import UtilityService
from smart360.api import TenantListView, TenantView
from smart360.api.schema import Problem
from smart360.domain.models import TenantProfile
from smart360.errors import NotFound


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def quantity(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=3, **kwargs)


def rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=6, **kwargs)


PERIOD_RULE = "period_end is on or after period_start, at most 366 days later"


# -- cycles -------------------------------------------------------------------------------------
class BillCycleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cycle_name = serializers.CharField()
    utility_service = serializers.IntegerField(source="utility_service_id")
    period_months = serializers.IntegerField()
    next_run_on = serializers.DateField()
    active = serializers.BooleanField()


class BillCycleList(TenantListView):
    module = "bx.bill_cycles"
    Output = BillCycleOutput
    rules = ("next_run_on is day 1-28 of a month",)

    class Input(serializers.Serializer):
        cycle_name = serializers.CharField(max_length=80)
        utility_service = serializers.IntegerField(min_value=1, max_value=2**62)
        period_months = serializers.IntegerField(min_value=1, max_value=12, default=1)
        next_run_on = serializers.DateField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.bill_cycle_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.bill_cycle_create(tenant_id=self.tenant_id, **self.input()))


# -- runs ---------------------------------------------------------------------------------------
class BillRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    utility_service = serializers.IntegerField(source="utility_service_id")
    cycle = serializers.IntegerField(source="schedule_id", allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    dry_run = serializers.BooleanField()
    status = serializers.ChoiceField(BillRun.Status.choices)
    accounts = serializers.IntegerField(help_text="Accounts of the service considered.")
    billed = serializers.IntegerField(help_text="Bills made.")
    exceptions = serializers.IntegerField(help_text="Accounts held back or flagged.")
    total = money()
    baseline_total = money(
        allow_null=True, help_text="A tariff-change simulation: the total under the current tariff.")
    proposed_plan = serializers.IntegerField(source="proposed_plan_id", allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()


class SlabInput(serializers.Serializer):
    up_to = quantity(allow_null=True, min_value=0)
    rate = rate(min_value=0)


class SeasonInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12),
                                   min_length=1, max_length=12)
    rate = rate(allow_null=True, required=False, min_value=0)
    slabs = SlabInput(many=True, required=False)


class BandInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    start = serializers.TimeField()
    end = serializers.TimeField()
    rate = rate(min_value=0)


class ChargeInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(["fixed", "per_unit", "percent"])
    amount = rate(min_value=0)


class TariffInput(serializers.Serializer):
    """onboarding's Tariff, as its plans take it."""

    kind = serializers.ChoiceField(["flat", "slab", "fixed", "tou", "seasonal"])
    fixed_charge = money(default=Decimal(0), min_value=0)
    rate = rate(allow_null=True, required=False, min_value=0)
    slabs = SlabInput(many=True, required=False)
    seasons = SeasonInput(many=True, required=False)
    tou = BandInput(many=True, required=False)
    additional_charges = ChargeInput(many=True, required=False)
    tax_rate = serializers.DecimalField(default=Decimal(0), max_digits=7, decimal_places=6, min_value=0)


class TariffChangeInput(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=2**62)
    tariff = TariffInput()


class BillRunList(TenantListView):
    module = "bx.bill_runs"
    Output = BillRunOutput
    idempotent = True
    post_status = 202  # queued: the worker rates it; GET the run for its progress
    rules = (PERIOD_RULE, "tariff_change only with dry_run true",
             "tariff_change.tariff has what its kind needs (slabs ending open-ended, a rate, "
             "bands or seasons)")

    class Filters(serializers.Serializer):
        status = serializers.ChoiceField(BillRun.Status.choices, required=False)

    class Input(serializers.Serializer):
        utility_service = serializers.IntegerField(min_value=1, max_value=2**62)
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        dry_run = serializers.BooleanField(default=False)
        due_days = serializers.IntegerField(min_value=0, max_value=120, default=15)
        tariff_change = TariffChangeInput(
            required=False, help_text="Simulate a plan's tariff change: each bill of the dry run "
            "keeps the current tariff's total as baseline_total.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.bill_run_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.bill_run_create(tenant_id=self.tenant_id, **self.input()))


class BillRunDetail(TenantView):
    module = "bx.bill_runs"
    Output = BillRunOutput

    def get(self, request: Request, pk: int) -> Response:
        run = selectors.bill_run_get(tenant_id=self.tenant_id, run_id=pk)
        if run is None:
            raise NotFound("No such bill run.")
        return self.respond(run)


class BillRunApprove(TenantView):
    module = "bx.bill_runs"
    Output = BillRunOutput

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.bill_run_approve(tenant_id=self.tenant_id, run_id=pk))


class BillRunIssue(TenantView):
    module = "bx.bill_runs"
    Output = BillRunOutput

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.bill_run_issue(tenant_id=self.tenant_id, run_id=pk))


class BillExceptionList(TenantListView):
    module = "bx.bill_runs"

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        account = serializers.CharField(source="account_number")
        kind = serializers.ChoiceField(BillException.Kind.choices)
        billed = serializers.BooleanField(help_text="Billed and flagged (true) or held back (false).")
        detail = serializers.CharField()

    class Filters(serializers.Serializer):
        kind = serializers.ChoiceField(BillException.Kind.choices, required=False)

    def get(self, request: Request, pk: int) -> Response:
        if selectors.bill_run_get(tenant_id=self.tenant_id, run_id=pk) is None:
            raise NotFound("No such bill run.")
        return self.page(selectors.bill_exception_list(tenant_id=self.tenant_id, run_id=pk,
                                                       **self.filters()))


# -- bills --------------------------------------------------------------------------------------
class LineOutput(serializers.Serializer):
    description = serializers.CharField()
    quantity = quantity()
    rate = rate()
    amount = money()


class BillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="Given when the bill is issued.")
    account = serializers.CharField(source="account_number")
    run = serializers.IntegerField(source="run_id", allow_null=True)
    kind = serializers.ChoiceField(Bill.Kind.choices)
    simulated = serializers.BooleanField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    consumption = quantity()
    lines = LineOutput(many=True)
    subtotal = money()
    tax = money()
    total = money()
    baseline_total = money(allow_null=True)
    currency = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(Bill.Status.choices)
    void_reason = serializers.CharField()


class BillList(TenantListView):
    module = "bx.bills"
    Output = BillOutput
    idempotent = True
    rules = (PERIOD_RULE, "the account has a validated reading and a tariff for the period (else 409)")

    class Filters(serializers.Serializer):
        account = serializers.CharField(required=False, max_length=40, help_text="Account number.")
        run = serializers.IntegerField(required=False, min_value=1, max_value=2**62,
                                       help_text="A run's bills (a dry run's simulated ones too).")
        status = serializers.ChoiceField(Bill.Status.choices, required=False)

    class Input(serializers.Serializer):
        """An off-cycle bill for one account (a move-out, a correction)."""

        account = serializers.CharField(max_length=40)
        period_start = serializers.DateField()
        period_end = serializers.DateField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.bill_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        bill = services.bill_off_cycle_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.bill_get(tenant_id=self.tenant_id, bill_id=bill.pk))


def _bill_or_404(view: TenantView, pk: int) -> Bill:
    bill = selectors.bill_get(tenant_id=view.tenant_id, bill_id=pk)
    if bill is None:
        raise NotFound("No such bill.")
    return bill


class BillDetail(TenantView):
    module = "bx.bills"
    Output = BillOutput

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(_bill_or_404(self, pk))


class BillApprove(TenantView):
    module = "bx.bills"
    Output = BillOutput

    def post(self, request: Request, pk: int) -> Response:
        services.bill_approve(tenant_id=self.tenant_id, bill_id=pk)
        return self.respond(_bill_or_404(self, pk))


class BillIssue(TenantView):
    module = "bx.bills"
    Output = BillOutput

    def post(self, request: Request, pk: int) -> Response:
        services.bill_issue(tenant_id=self.tenant_id, bill_id=pk)
        return self.respond(_bill_or_404(self, pk))


class BillVoid(TenantView):
    module = "bx.bills"
    Output = BillOutput

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    def post(self, request: Request, pk: int) -> Response:
        services.bill_void(tenant_id=self.tenant_id, bill_id=pk, **self.input())
        return self.respond(_bill_or_404(self, pk))


class BillPdf(TenantView):
    module = "bx.bills"

    @extend_schema(responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The bill as a PDF."),
        400: Problem, 401: Problem, 403: Problem, 404: Problem})
    def get(self, request: Request, pk: int) -> HttpResponse:
        bill = _bill_or_404(self, pk)
        tenant = TenantProfile.objects.filter(tenant_id=self.tenant_id).values_list("name", flat=True).first()
        unit = UtilityService.objects.filter(
            tenant_id=self.tenant_id, service_id=bill.account.utility_service_id
        ).values_list("unit", flat=True).first()
        body = pdf.render(bill, tenant_name=tenant or "", unit=unit or "")
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{bill.number or f"bill-{bill.pk}"}.pdf"'
        return response
