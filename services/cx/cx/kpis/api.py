"""GET /kpis/: the dashboard's numbers for this tenant."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cx.applications.models import Application
from cx.consumers.models import Account, Consumer
from cx.kpis import selectors
from cx.service_requests.models import Status
from smart360.api import TenantView


def counts(name: str, values: list[str]) -> serializers.Serializer:
    """An object with one count per state (every state present, zero included)."""
    shape = type(name, (serializers.Serializer,), {v: serializers.IntegerField() for v in values})
    shape.__qualname__ = name
    return shape()


class SlaBreaches(serializers.Serializer):
    resolution = serializers.IntegerField(help_text="Resolved late or still open past due, all time.")
    response = serializers.IntegerField(help_text="Answered late or still unanswered past due.")
    open = serializers.IntegerField(help_text="Still open and past their resolution due time.")


class KpiOutput(serializers.Serializer):
    class ServiceRequests(serializers.Serializer):
        by_status = counts("KpiServiceRequestStatus", list(Status.values))
        sla_breaches = SlaBreaches()

    class Complaints(serializers.Serializer):
        by_status = counts("KpiComplaintStatus", list(Status.values))
        sla_breaches = SlaBreaches()

    as_of = serializers.DateField(help_text="Today in the tenant's time zone.")
    consumers = counts("KpiConsumerStatus", list(Consumer.Status.values))
    accounts = counts("KpiAccountStatus", list(Account.Status.values))
    connections_this_month = serializers.IntegerField(help_text="Accounts connected since the 1st.")
    applications = counts("KpiApplicationStage", list(Application.Stage.values))
    service_requests = ServiceRequests()
    complaints = Complaints()


class Kpis(TenantView):
    module = "cx.kpis"
    Output = KpiOutput

    def get(self, request: Request) -> Response:
        return self.respond(selectors.kpis(tenant_id=self.tenant_id))
