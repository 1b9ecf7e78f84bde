"""The registry's API: plants → units → assets, categories and types, an asset's status,
condition assessments, usage and service history."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, TypeVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ax import common
from ax.assets import selectors, services
from ax.assets.models import GRADE_OF_SCORE, Asset, Grade, ServiceRecord
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

CONDITIONS = [*Grade.values, selectors.UNASSESSED]


# -- shapes --------------------------------------------------------------------------------------
class PlantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    area = serializers.IntegerField(source="area_id", allow_null=True, help_text="onboarding's area id")
    address = serializers.CharField()
    created_at = serializers.DateTimeField()


class UnitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plant = serializers.IntegerField(source="plant_id")
    code = serializers.CharField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class AssetTypeOutput(CategoryOutput):
    category = serializers.IntegerField(source="category_id")


class AssetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tag = serializers.CharField()
    name = serializers.CharField()
    plant = serializers.IntegerField(source="unit.plant_id")
    unit = serializers.IntegerField(source="unit_id")
    asset_type = serializers.IntegerField(source="asset_type_id")
    category = serializers.IntegerField(source="asset_type.category_id")
    area = serializers.IntegerField(source="area_id", allow_null=True, help_text="onboarding's area id")
    manufacturer = serializers.CharField()
    model_number = serializers.CharField()
    serial_number = serializers.CharField()
    commissioned_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(Asset.Status.choices)
    status_changed_at = serializers.DateTimeField(allow_null=True)
    condition = serializers.CharField(help_text="The latest assessment's grade; empty until assessed.")
    condition_score = serializers.IntegerField(allow_null=True)
    condition_assessed_at = serializers.DateTimeField(allow_null=True)
    usage = serializers.DecimalField(max_digits=14, decimal_places=3)
    usage_unit = serializers.CharField()
    usage_read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class AssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    asset = serializers.IntegerField(source="asset_id")
    assessed_at = serializers.DateTimeField()
    score = serializers.IntegerField()
    grade = serializers.ChoiceField(Grade.choices)
    notes = serializers.CharField()
    assessed_by = serializers.CharField()


class ServiceRecordOutput(serializers.Serializer):
    id = serializers.IntegerField()
    asset = serializers.IntegerField(source="asset_id")
    origin = serializers.ChoiceField(ServiceRecord.Source.choices, source="source")
    work_order_id = serializers.IntegerField(allow_null=True)
    number = serializers.CharField(help_text="wx's work order number.")
    kind = serializers.CharField()
    outcome = serializers.CharField()
    request_key = serializers.CharField()
    notes = serializers.CharField()
    readings = serializers.DictField(child=serializers.CharField())
    performed_at = serializers.DateTimeField()


T = TypeVar("T")


def _found(row: T | None, what: str, pk: int) -> T:
    if row is None:  # absent, or another tenant's: the same 404
        raise NotFound(f"No such {what} {pk}.", code=f"unknown_{what}")
    return row


def _search() -> serializers.CharField:
    return serializers.CharField(required=False, max_length=100,
                                 help_text="The exact code (tag, serial) or part of the name.")


# -- plants and units ----------------------------------------------------------------------------
class PlantList(TenantListView):
    module = "ax.assets"
    Output = PlantOutput

    class Filters(serializers.Serializer):
        search = _search()
        area = common.ref("area", required=False)

    class Input(serializers.Serializer):
        code = common.code()
        name = common.name()
        area = common.ref("onboarding area", required=False, allow_null=True, default=None)
        address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def get(self, request: Request) -> Response:
        return self.page(selectors.plant_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.plant_create(tenant_id=self.tenant_id, **self.input()))


class PlantDetail(TenantView):
    module = "ax.assets"
    Output = PlantOutput

    class Input(serializers.Serializer):
        code = common.code(required=False)
        name = common.name(required=False)
        area = common.ref("onboarding area", required=False, allow_null=True)
        address = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(_found(selectors.plant_detail(tenant_id=self.tenant_id, plant_id=pk),
                                   "plant", pk))

    def patch(self, request: Request, pk: int) -> Response:
        return self.respond(services.plant_update(tenant_id=self.tenant_id, plant_id=pk,
                                                  **self.input()))


class UnitList(TenantListView):
    module = "ax.assets"
    Output = UnitOutput

    class Filters(serializers.Serializer):
        plant = common.ref("plant", required=False)
        search = _search()

    class Input(serializers.Serializer):
        plant = common.ref("plant")
        code = common.code()
        name = common.name()

    def get(self, request: Request) -> Response:
        return self.page(selectors.unit_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.unit_create(tenant_id=self.tenant_id, **self.input()))


class UnitDetail(TenantView):
    module = "ax.assets"
    Output = UnitOutput

    class Input(serializers.Serializer):
        plant = common.ref("plant", required=False)
        code = common.code(required=False)
        name = common.name(required=False)

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(_found(selectors.unit_detail(tenant_id=self.tenant_id, unit_id=pk),
                                   "unit", pk))

    def patch(self, request: Request, pk: int) -> Response:
        return self.respond(services.unit_update(tenant_id=self.tenant_id, unit_id=pk,
                                                 **self.input()))


# -- categories and types ------------------------------------------------------------------------
class CategoryList(TenantListView):
    module = "ax.assets"
    Output = CategoryOutput

    class Input(serializers.Serializer):
        code = common.code()
        name = common.name()

    def get(self, request: Request) -> Response:
        return self.page(selectors.category_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.category_create(tenant_id=self.tenant_id, **self.input()))


class AssetTypeList(TenantListView):
    module = "ax.assets"
    Output = AssetTypeOutput

    class Filters(serializers.Serializer):
        category = common.ref("asset category", required=False)

    class Input(serializers.Serializer):
        category = common.ref("asset category")
        code = common.code()
        name = common.name()

    def get(self, request: Request) -> Response:
        return self.page(selectors.asset_type_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.asset_type_create(tenant_id=self.tenant_id, **self.input()))


# -- assets --------------------------------------------------------------------------------------
def _details(required: bool) -> dict[str, serializers.Field]:
    optional: dict[str, Any] = {} if required else {"required": False}
    return {
        "tag": common.code(**optional),
        "name": common.name(**optional),
        "unit": common.ref("unit", **optional),
        "asset_type": common.ref("asset type", **optional),
        "area": common.ref("onboarding area", required=False, allow_null=True,
                           help_text="Where it stands; its plant's area when not given."),
        "manufacturer": common.name(required=False, allow_blank=True),
        "model_number": serializers.CharField(max_length=100, required=False, allow_blank=True),
        "serial_number": serializers.CharField(max_length=100, required=False, allow_blank=True),
        "commissioned_on": common.day(required=False, allow_null=True),
        "usage_unit": serializers.CharField(max_length=20, required=False, allow_blank=True,
                                            help_text="What usage counts: h, cycles, km …"),
    }


class AssetList(TenantListView):
    module = "ax.assets"
    Output = AssetOutput
    rules = (common.DATE_RULE,)

    class Filters(serializers.Serializer):
        search = _search()
        plant = common.ref("plant", required=False)
        unit = common.ref("unit", required=False)
        asset_type = common.ref("asset type", required=False)
        category = common.ref("asset category", required=False)
        area = common.ref("area", required=False)
        status = serializers.ChoiceField(Asset.Status.choices, required=False)
        condition = serializers.ChoiceField(CONDITIONS, required=False)

    Input = type("AssetInput", (serializers.Serializer,), _details(required=True))

    def get(self, request: Request) -> Response:
        return self.page(selectors.asset_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.asset_create(tenant_id=self.tenant_id, **self.input()))


class AssetDetail(TenantView):
    module = "ax.assets"
    Output = AssetOutput
    rules = (common.DATE_RULE,)
    Input = type("AssetChange", (serializers.Serializer,), _details(required=False))

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(_asset(self.tenant_id, pk))

    def patch(self, request: Request, pk: int) -> Response:
        services.asset_update(tenant_id=self.tenant_id, asset_id=pk, **self.input())
        return self.respond(_asset(self.tenant_id, pk))


def _asset(tenant_id: uuid.UUID, pk: int) -> Asset:
    return _found(selectors.asset_detail(tenant_id=tenant_id, asset_id=pk), "asset", pk)


class AssetStatus(TenantView):
    """Move the asset: ACTIVE ⇄ UNDER_MAINTENANCE, ACTIVE ⇄ OUT_OF_SERVICE, UNDER_MAINTENANCE →
    OUT_OF_SERVICE, any → DECOMMISSIONED (final). Another move: 409 with the allowed ones."""

    module = "ax.assets"
    Output = AssetOutput

    class Input(serializers.Serializer):
        status = serializers.ChoiceField(Asset.Status.choices)

    def post(self, request: Request, pk: int) -> Response:
        services.asset_move(tenant_id=self.tenant_id, asset_id=pk, **self.input())
        return self.respond(_asset(self.tenant_id, pk))


class AssetAssessments(TenantListView):
    """Condition over time; the latest assessment is the asset's condition."""

    module = "ax.assets"
    Output = AssessmentOutput
    rules = ("assessed_at not in the future",)

    class Input(serializers.Serializer):
        score = serializers.ChoiceField([5, 4, 3, 2, 1], help_text=", ".join(
            f"{s} {g}" for s, g in GRADE_OF_SCORE.items()))
        assessed_at = serializers.DateTimeField(required=False, help_text="Now when not given.")
        notes = common.text(required=False, default="")
        assessed_by = serializers.CharField(max_length=254, required=False, allow_blank=True,
                                            default="")

    def get(self, request: Request, pk: int) -> Response:
        _asset(self.tenant_id, pk)
        return self.page(selectors.assessment_list(tenant_id=self.tenant_id, asset_id=pk))

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.assessment_create(tenant_id=self.tenant_id, asset_id=pk,
                                                       **self.input()))


class AssetHistory(TenantListView):
    """Service history: wx's completed work orders on the asset, and work recorded by hand."""

    module = "ax.assets"
    Output = ServiceRecordOutput
    rules = ("performed_at not in the future",)

    class Input(serializers.Serializer):
        kind = serializers.CharField(max_length=40)
        notes = common.text(required=False, default="")
        performed_at = serializers.DateTimeField(required=False, help_text="Now when not given.")

    def get(self, request: Request, pk: int) -> Response:
        _asset(self.tenant_id, pk)
        return self.page(selectors.service_record_list(tenant_id=self.tenant_id, asset_id=pk))

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.service_record_create(tenant_id=self.tenant_id, asset_id=pk,
                                                           **self.input()))


class AssetUsage(TenantView):
    """A usage counter reading (hours run …): usage-based maintenance plans watch it."""

    module = "ax.assets"
    Output = AssetOutput
    rules = ("read_at not in the future",)

    class Input(serializers.Serializer):
        reading = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal(0),
                                           max_value=Decimal(10**10))
        read_at = serializers.DateTimeField(required=False, help_text="Now when not given.")

    def post(self, request: Request, pk: int) -> Response:
        services.usage_record(tenant_id=self.tenant_id, asset_id=pk, **self.input())
        return self.respond(_asset(self.tenant_id, pk))
