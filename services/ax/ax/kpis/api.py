"""GET /kpis/: the asset dashboard's numbers for this tenant."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ax.assets.models import Asset, Grade
from ax.assets.selectors import UNASSESSED
from ax.kpis import selectors
from smart360.api import TenantView


def counts(name: str, values: list[str]) -> serializers.Serializer:
    """An object with one count per value (every value present, zero included)."""
    shape = type(name, (serializers.Serializer,), {v: serializers.IntegerField() for v in values})
    shape.__qualname__ = name
    return shape()


class CoversExpiring(serializers.Serializer):
    within_days = serializers.IntegerField()
    contracts = serializers.IntegerField()
    insurance = serializers.IntegerField()


class KpiOutput(serializers.Serializer):
    as_of = serializers.DateField(help_text="Today in the tenant's time zone.")
    assets_by_condition = counts("AxKpiCondition", [*Grade.values, UNASSESSED])
    assets_by_status = counts("AxKpiStatus", list(Asset.Status.values))
    maintenance_open = serializers.IntegerField(help_text="Periods due, work not completed.")
    maintenance_overdue = serializers.IntegerField(help_text="Of those, past their due day.")
    covers_expiring = CoversExpiring()


class Kpis(TenantView):
    """Assets by condition (in service, decommissioned left out) and by status, preventive
    maintenance open and overdue, contracts and policies ending within 30 days."""

    module = "ax.kpis"
    Output = KpiOutput

    def get(self, request: Request) -> Response:
        return self.respond(selectors.kpis(tenant_id=self.tenant_id))
