"""wx's API: work orders (FLOW-API §2), technicians, SOPs and the KPIs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound
from wx.workorders import selectors, services
from wx.workorders.models import Kind, Priority, Sop, Technician, WorkOrder

MAX_ID = 2**63 - 1
S = WorkOrder.Status


def _id(what: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=what, **kwargs)


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, **kwargs)


def _texts(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=500), max_length=100,
                                 **kwargs)


# -- outputs -----------------------------------------------------------------------------------
class SopSnapshot(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    safety = serializers.ListField(child=serializers.CharField())
    materials = serializers.ListField(child=serializers.CharField())
    readings = serializers.ListField(child=serializers.CharField())


class WorkOrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField(help_text="SITE_INSPECTION, INSTALLATION, DISCONNECTION, "
                                           "RECONNECTION, PREVENTIVE, …")
    status = serializers.ChoiceField(S.choices)
    priority = serializers.ChoiceField(Priority.choices)
    # `source` shadows Field.source in the stubs; FLOW-API names the field so.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The application / service request number.")
    request_key = serializers.CharField(help_text="Empty for work made by hand without one.")
    area = serializers.IntegerField(allow_null=True)
    address = serializers.CharField()
    description = serializers.CharField()
    consumer_id = serializers.IntegerField(allow_null=True)
    account_number = serializers.CharField()
    asset_id = serializers.IntegerField(allow_null=True)
    technician = serializers.IntegerField(source="technician_id", allow_null=True)
    technician_name = serializers.CharField(source="technician.name", allow_null=True, default=None)
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    sla_breached_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text="pass, fail, or empty until completed")
    notes = serializers.CharField()
    meter_serial = serializers.CharField()
    initial_reading = _decimal(allow_null=True)
    readings = serializers.DictField(child=serializers.CharField())
    rejected_by = serializers.ListField(child=serializers.IntegerField(),
                                        help_text="Technicians who declined it (never assigned it again).")
    rejection_reason = serializers.CharField(help_text="Why the latest technician declined it.")
    sop = SopSnapshot(allow_null=True, help_text="The kind's SOP when the order was created.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TechnicianOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    zone = serializers.IntegerField(help_text="onboarding's area id")
    status = serializers.ChoiceField(Technician.Status.choices)
    capacity = serializers.IntegerField()
    open_work = serializers.IntegerField(default=0)
    created_at = serializers.DateTimeField()


class SopOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(Kind.choices)
    name = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    safety = serializers.ListField(child=serializers.CharField())
    materials = serializers.ListField(child=serializers.CharField())
    readings = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# -- work orders -------------------------------------------------------------------------------
class WorkOrderList(TenantListView):
    """Work orders, newest first; POST creates one by hand (work from cx and ax arrives by event)."""

    module = "wx.work_orders"
    idempotent = True
    rules = ("a request_key already used is a 409",)
    Output = WorkOrderOutput

    class Filters(serializers.Serializer):
        source = serializers.CharField(  # type: ignore[assignment] # FLOW-API's name
            required=False, max_length=60, help_text="The application / service request number.")
        status = serializers.ChoiceField(S.choices, required=False)
        kind = serializers.ChoiceField(Kind.choices, required=False)
        technician = _id("technician id", required=False)
        area = _id("onboarding's area id", required=False)
        priority = serializers.ChoiceField(Priority.choices, required=False)
        overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
        request_key = serializers.CharField(required=False, max_length=200)

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(Kind.choices)
        source = serializers.CharField(  # type: ignore[assignment] # FLOW-API's name
            max_length=60, required=False, allow_blank=True, default="")
        area = _id("onboarding's area id", required=False, allow_null=True, default=None)
        address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        description = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                            default="")
        priority = serializers.ChoiceField(Priority.choices, default=Priority.MEDIUM)
        due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        request_key = serializers.CharField(max_length=200, required=False, allow_null=True,
                                            default=None)
        consumer_id = _id("cx's consumer id", required=False, allow_null=True, default=None)
        account_number = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                               default="")
        asset_id = _id("ax's asset id", required=False, allow_null=True, default=None)

    def get(self, request: Request) -> Response:
        return self.page(selectors.work_order_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.work_order_create_by_hand(tenant_id=self.tenant_id,
                                                               **self.input()))


class WorkOrderDetail(TenantView):
    module = "wx.work_orders"
    Output = WorkOrderOutput

    def get(self, request: Request, pk: int) -> Response:
        order = selectors.work_order_detail(tenant_id=self.tenant_id, work_order_id=pk)
        if order is None:  # absent, or another tenant's: the same 404
            raise NotFound("No such work order.")
        return self.respond(order)


class WorkOrderAssign(TenantView):
    """The manual override: this technician (ACTIVE, and not one who declined the order), from
    CREATED, ASSIGNED, ACCEPTED or REJECTED."""

    module = "wx.work_orders"
    idempotent = True
    Output = WorkOrderOutput

    class Input(serializers.Serializer):
        technician = _id("technician id")

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.work_order_assign(
            tenant_id=self.tenant_id, work_order_id=pk, technician_id=self.input()["technician"]))


class _Move(TenantView):
    module = "wx.work_orders"
    Output = WorkOrderOutput
    to: str = ""

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.work_order_move(tenant_id=self.tenant_id, work_order_id=pk,
                                                     to=self.to))


class WorkOrderAccept(_Move):
    """ASSIGNED → ACCEPTED (the technician takes it)."""

    to = S.ACCEPTED


class WorkOrderStart(_Move):
    """ACCEPTED (or HOLD) → IN_PROGRESS."""

    to = S.IN_PROGRESS


class WorkOrderHold(_Move):
    """ACCEPTED or IN_PROGRESS → HOLD (still open: the SLA keeps counting)."""

    to = S.HOLD


class WorkOrderClose(_Move):
    """COMPLETED → CLOSED (reviewed)."""

    to = S.CLOSED


class _Reasoned(TenantView):
    module = "wx.work_orders"
    Output = WorkOrderOutput

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=500)


class WorkOrderReject(_Reasoned):
    """The technician declines: ASSIGNED or ACCEPTED → REJECTED (open: it waits for another
    technician, never the one who declined)."""

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.work_order_reject(tenant_id=self.tenant_id, work_order_id=pk,
                                                       reason=self.input()["reason"]))


class WorkOrderFail(_Reasoned):
    """The visit could not be carried out (no access, unsafe, wrong address): IN_PROGRESS or HOLD
    → FAILED (final), published as `wx.workorder.completed` with outcome "fail"."""

    idempotent = True

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.work_order_fail(tenant_id=self.tenant_id, work_order_id=pk,
                                                     reason=self.input()["reason"]))


class WorkOrderCancel(TenantView):
    """Any open state → CANCELLED."""

    module = "wx.work_orders"
    Output = WorkOrderOutput

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.work_order_move(
            tenant_id=self.tenant_id, work_order_id=pk, to=S.CANCELLED, notes=self.input()["reason"]))


class WorkOrderComplete(TenantView):
    """The completion report: IN_PROGRESS → COMPLETED, published as `wx.workorder.completed`."""

    module = "wx.work_orders"
    idempotent = True
    rules = (
        "completed_at is not in the future (any past time is fine, even before the order existed)",
        "an INSTALLATION that passes reports meter_serial and initial_reading",
        "work that passes reports the readings its SOP asks for",
    )
    Output = WorkOrderOutput

    class Input(serializers.Serializer):
        outcome = serializers.ChoiceField(WorkOrder.Outcome.choices)
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        completed_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                                 help_text="Default now; never in the future.")
        meter_serial = serializers.RegexField(r"^[A-Za-z0-9._/-]{1,60}$", required=False,
                                              allow_blank=True, default="")
        initial_reading = _decimal(required=False, allow_null=True, default=None)
        readings = serializers.DictField(child=_decimal(), required=False, default=dict)

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.work_order_complete(tenant_id=self.tenant_id, work_order_id=pk,
                                                         **self.input()))


# -- technicians -------------------------------------------------------------------------------
class TechnicianInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    skills = serializers.ListField(child=serializers.ChoiceField(Kind.choices), max_length=20,
                                   help_text="Work-order kinds.")
    zone = _id("onboarding's area id: the technician works there and below")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.RegexField(r"^\+?[0-9 ()-]{4,32}$", required=False, allow_blank=True,
                                   default="")
    capacity = serializers.IntegerField(min_value=1, max_value=1000, default=10,
                                        help_text="Open work orders at most.")
    status = serializers.ChoiceField(Technician.Status.choices, default=Technician.Status.ACTIVE)


class TechnicianPatch(TechnicianInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class TechnicianList(TenantListView):
    module = "wx.technicians"
    Output = TechnicianOutput
    Input = TechnicianInput

    class Filters(serializers.Serializer):
        zone = _id("onboarding's area id", required=False)
        skill = serializers.ChoiceField(Kind.choices, required=False)
        status = serializers.ChoiceField(Technician.Status.choices, required=False)

    def get(self, request: Request) -> Response:
        return self.page(selectors.technician_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        technician = services.technician_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.technician_detail(tenant_id=self.tenant_id,
                                                        technician_id=technician.pk))


class TechnicianDetail(TenantView):
    module = "wx.technicians"
    Output = TechnicianOutput
    Input = TechnicianPatch

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(self._technician(pk))

    def patch(self, request: Request, pk: int) -> Response:
        services.technician_update(tenant_id=self.tenant_id, technician_id=pk, **self.input())
        return self.respond(self._technician(pk))

    def _technician(self, pk: int) -> Technician:
        technician = selectors.technician_detail(tenant_id=self.tenant_id, technician_id=pk)
        if technician is None:
            raise NotFound("No such technician.")
        return technician


# -- SOPs --------------------------------------------------------------------------------------
class SopInput(serializers.Serializer):
    kind = serializers.ChoiceField(Kind.choices)
    name = serializers.CharField(max_length=200)
    steps = _texts(default=list)
    safety = _texts(default=list)
    materials = _texts(default=list)
    readings = serializers.ListField(
        child=serializers.RegexField(r"^[a-z][a-z0-9_]{0,39}$"), max_length=20, default=list,
        help_text="Readings a passing completion must report (meter_serial, initial_reading, or "
                  "names in its `readings`).")


class SopPatch(SopInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class SopList(TenantListView):
    """One SOP per kind of work (a second one for a kind is a 409): copied onto new work orders."""

    module = "wx.sops"
    Output = SopOutput
    Input = SopInput

    class Filters(serializers.Serializer):
        kind = serializers.ChoiceField(Kind.choices, required=False)

    def get(self, request: Request) -> Response:
        return self.page(selectors.sop_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.sop_create(tenant_id=self.tenant_id, **self.input()))


class SopDetail(TenantView):
    module = "wx.sops"
    Output = SopOutput
    Input = SopPatch

    def get(self, request: Request, pk: int) -> Response:
        sop: Sop | None = selectors.sop_detail(tenant_id=self.tenant_id, sop_id=pk)
        if sop is None:
            raise NotFound("No such SOP.")
        return self.respond(sop)

    def patch(self, request: Request, pk: int) -> Response:
        return self.respond(services.sop_update(tenant_id=self.tenant_id, sop_id=pk, **self.input()))


# -- KPIs --------------------------------------------------------------------------------------
def _counts(name: str, values: list[str]) -> serializers.Serializer:
    shape = type(name, (serializers.Serializer,), {v: serializers.IntegerField() for v in values})
    shape.__qualname__ = name
    return shape()


class KpiOutput(serializers.Serializer):
    as_of = serializers.DateField(help_text="Today in the tenant's time zone.")
    by_status = _counts("WxKpiStatus", list(S.values))
    open_by_kind = _counts("WxKpiOpenKind", list(Kind.values))
    open = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Open and past their due time.")
    unassigned = serializers.IntegerField(
        help_text="CREATED or REJECTED: waiting for a technician who fits.")
    completed_late = serializers.IntegerField()
    average_turnaround_hours = serializers.FloatField(allow_null=True)


class Kpis(TenantView):
    module = "wx.work_orders"
    Output = KpiOutput

    def get(self, request: Request) -> Response:
        return self.respond(selectors.kpis(tenant_id=self.tenant_id))

