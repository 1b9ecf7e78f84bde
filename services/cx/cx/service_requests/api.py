"""The service catalog, service requests and complaints: create, search, move, SLA times."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cx.service_requests import selectors, services
from cx.service_requests.models import Complaint, Priority, ServiceRequest, Status
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound


def reference(**kwargs: Any) -> serializers.IntegerField:
    """An id of this service's rows."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


def hours(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=8760, **kwargs)


def price(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, **kwargs)


# -- the catalog -------------------------------------------------------------------------------
class CatalogOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    response_sla_hours = serializers.IntegerField()
    resolution_sla_hours = serializers.IntegerField()
    priority = serializers.ChoiceField(Priority.choices)
    active = serializers.BooleanField()


class CatalogList(TenantListView):
    module = "cx.service_catalog"
    rules = (services.SLA_RULE,)
    Output = CatalogOutput

    class Filters(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=100,
                                       help_text="The exact code, or part of the name.")
        active = serializers.BooleanField(required=False)
        priority = serializers.ChoiceField(Priority.choices, required=False)

    class Input(serializers.Serializer):
        code = serializers.RegexField(r"^[A-Za-z0-9_-]{1,40}$")
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
        price = price()
        response_sla_hours = hours()
        resolution_sla_hours = hours()
        priority = serializers.ChoiceField(Priority.choices, default=Priority.MEDIUM)
        active = serializers.BooleanField(default=True)

    def get(self, request: Request) -> Response:
        return self.page(selectors.catalog_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.catalog_create(tenant_id=self.tenant_id, **self.input()))


class CatalogDetail(TenantView):
    module = "cx.service_catalog"
    rules = (services.SLA_RULE,)
    Output = CatalogOutput

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        price = price(required=False)
        response_sla_hours = hours(required=False)
        resolution_sla_hours = hours(required=False)
        priority = serializers.ChoiceField(Priority.choices, required=False)
        active = serializers.BooleanField(required=False)

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.catalog_get(tenant_id=self.tenant_id, service_id=pk)
        if found is None:
            raise NotFound("No such catalog service.")
        return self.respond(found)

    def patch(self, request: Request, pk: int) -> Response:
        return self.respond(services.catalog_update(tenant_id=self.tenant_id, service_id=pk,
                                                    **self.input()))


# -- requests and complaints -------------------------------------------------------------------
class TrackedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    consumer = serializers.IntegerField(source="consumer_id")
    consumer_name = serializers.CharField(source="consumer.name")
    account = serializers.CharField(source="account.number", allow_null=True, default=None)
    priority = serializers.ChoiceField(Priority.choices)
    status = serializers.ChoiceField(Status.choices)
    description = serializers.CharField()
    resolution = serializers.CharField()
    response_due_at = serializers.DateTimeField()
    resolution_due_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    response_breached_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True, help_text="Resolution SLA breached.")
    created_at = serializers.DateTimeField()


class ServiceRequestOutput(TrackedOutput):
    service = serializers.IntegerField(source="service_id")
    price = serializers.DecimalField(max_digits=12, decimal_places=2)


class ComplaintOutput(TrackedOutput):
    category = serializers.ChoiceField(Complaint.Category.choices)
    subject = serializers.CharField()


class TrackedFilters(serializers.Serializer):
    search = serializers.CharField(required=False, max_length=100,
                                   help_text="The exact number, or part of the consumer's name or "
                                             "the description.")
    status = serializers.ChoiceField(Status.choices, required=False)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    consumer = reference(required=False)
    account = serializers.CharField(required=False, max_length=40, help_text="Account number.")
    breached = serializers.BooleanField(required=False, help_text="Resolution SLA breached (or not).")


class TrackedInput(serializers.Serializer):
    consumer = reference()
    account = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                    help_text="One of the consumer's account numbers.")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class MoveInput(serializers.Serializer):
    status = serializers.ChoiceField(Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000,
                                 help_text="The resolution, when resolving.")


class ServiceRequestList(TenantListView):
    module = "cx.service_requests"
    idempotent = True
    Output = ServiceRequestOutput

    class Filters(TrackedFilters):
        service = reference(required=False)

    class Input(TrackedInput):
        service = reference(help_text="The catalog service.")
        priority = serializers.ChoiceField(Priority.choices, required=False,
                                           help_text="The catalog service's when absent.")

    def get(self, request: Request) -> Response:
        filters = self.filters()
        if "service" in filters:
            filters["service_id"] = filters.pop("service")
        return self.page(selectors.tracked_list(ServiceRequest, tenant_id=self.tenant_id, **filters))

    def post(self, request: Request) -> Response:
        created = services.service_request_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.tracked_get(ServiceRequest, tenant_id=self.tenant_id, pk=created.pk))


class ComplaintList(TenantListView):
    module = "cx.complaints"
    idempotent = True
    Output = ComplaintOutput

    class Filters(TrackedFilters):
        category = serializers.ChoiceField(Complaint.Category.choices, required=False)

    class Input(TrackedInput):
        category = serializers.ChoiceField(Complaint.Category.choices)
        subject = serializers.CharField(max_length=200)
        priority = serializers.ChoiceField(Priority.choices, default=Priority.MEDIUM,
                                           help_text="Sets the SLA: EMERGENCY 1 h / 4 h, HIGH 4 / 24, "
                                                     "MEDIUM 24 / 72, LOW 48 / 168 (response / resolution).")

    def get(self, request: Request) -> Response:
        return self.page(selectors.tracked_list(Complaint, tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        created = services.complaint_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.tracked_get(Complaint, tenant_id=self.tenant_id, pk=created.pk))


class _TrackedDetail:
    tracked: ClassVar[Any]
    what: ClassVar[str]
    tenant_id: Any
    respond: Any

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.tracked_get(self.tracked, tenant_id=self.tenant_id, pk=pk)
        if found is None:
            raise NotFound(f"No such {self.what}.")
        return self.respond(found)


class _TrackedMove:
    """Move it on: OPEN → IN_PROGRESS → RESOLVED → CLOSED, RESOLVED → IN_PROGRESS (reopen),
    CANCELLED before resolution; another move is a 409 naming the allowed ones."""

    tracked: ClassVar[Any]
    tenant_id: Any
    respond: Any
    input: Any

    def post(self, request: Request, pk: int) -> Response:
        data = self.input()
        return self.respond(services.tracked_move(self.tracked, tenant_id=self.tenant_id, pk=pk,
                                                  to=data["status"], note=data["note"]))


class ServiceRequestDetail(_TrackedDetail, TenantView):
    module = "cx.service_requests"
    tracked = ServiceRequest
    what = "service request"
    Output = ServiceRequestOutput


class ServiceRequestMove(_TrackedMove, TenantView):
    module = "cx.service_requests"
    tracked = ServiceRequest
    Input = MoveInput
    Output = ServiceRequestOutput


class ComplaintDetail(_TrackedDetail, TenantView):
    module = "cx.complaints"
    tracked = Complaint
    what = "complaint"
    Output = ComplaintOutput


class ComplaintMove(_TrackedMove, TenantView):
    module = "cx.complaints"
    tracked = Complaint
    Input = MoveInput
    Output = ComplaintOutput
