"""Plans API: a plan with its first tariff, later versions, the version in effect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from onboarding.common import clock, reference
from onboarding.tariffs import selectors, services
from onboarding.tariffs.validation import CHARGE_KINDS, TARIFF_KINDS
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

TARIFF_RULES = (
    "tariff: flat needs rate; slab needs slabs ascending, the last open-ended (up_to null); "
    "seasonal needs seasons covering months 1-12 once each; tou needs bands covering the day "
    "without overlap; amounts at most 6 decimals (fixed_charge 2), tax_rate at most 1",
)


class ExactDecimal(serializers.DecimalField):
    """A decimal string kept as written ("0.08" stays "0.08"; DRF would pad it to the field's
    places): the stored tariff is the one the utility wrote."""

    def quantize(self, value: Decimal) -> Decimal:
        return value


def amount(places: int = 6, **kwargs: Any) -> serializers.DecimalField:
    return ExactDecimal(max_digits=18, decimal_places=places, min_value=Decimal(0),
                        max_value=Decimal("1000000000"), **kwargs)


class SlabInput(serializers.Serializer):
    up_to = ExactDecimal(max_digits=16, decimal_places=3, min_value=Decimal(0), allow_null=True,
                         help_text="Cumulative; null on the last.")
    rate = amount()


class SeasonInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12),
                                   min_length=1, max_length=12)
    rate = amount(allow_null=True, required=False, default=None)
    slabs = SlabInput(many=True, required=False, default=list)


class BandInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    start = clock(help_text="Local time HH:MM, inclusive.")
    end = clock(help_text="Local time HH:MM, exclusive; before start wraps midnight.")
    rate = amount()


class ChargeInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(CHARGE_KINDS)
    amount = amount()


class TariffInput(serializers.Serializer):
    """smart360.contracts.onboarding.Tariff, with the date it takes effect."""

    kind = serializers.ChoiceField(TARIFF_KINDS)
    effective_from = serializers.DateField()
    fixed_charge = amount(places=2, default=Decimal(0))
    rate = amount(allow_null=True, required=False, default=None)
    slabs = SlabInput(many=True, required=False, default=list, max_length=50)  # type: ignore[call-arg]
    seasons = SeasonInput(many=True, required=False, default=list, max_length=12)  # type: ignore[call-arg]
    tou = BandInput(many=True, required=False, default=list, max_length=48)  # type: ignore[call-arg]
    additional_charges = ChargeInput(many=True, required=False, default=list, max_length=20)  # type: ignore[call-arg]
    tax_rate = ExactDecimal(max_digits=7, decimal_places=6, min_value=Decimal(0),
                            max_value=Decimal(1), default=Decimal(0),
                            help_text="A fraction: 0.18 is 18 %.")


class VersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    number = serializers.IntegerField()
    effective_from = serializers.DateField()
    tariff = serializers.JSONField(source="tariff_out", help_text="The tariff as written, "
                                   "amounts as decimal strings, with effective_from.")
    activated_at = serializers.DateTimeField(allow_null=True, help_text=(
        "When onboarding.tariff.activated was published (null: not in effect yet)."))
    created_at = serializers.DateTimeField()


class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    utility_service = serializers.IntegerField(source="utility_service_id")
    category = serializers.IntegerField(source="category_id")
    current_version = VersionOutput(allow_null=True, help_text=(
        "In effect today (the tenant's calendar); before the first takes effect, the first."))
    created_at = serializers.DateTimeField()


class PlanList(TenantListView):
    module = "onboarding.tariffs"
    Output = PlanOutput
    errors = (409,)
    rules = (*TARIFF_RULES, "the category is one of the utility service's")

    class Filters(serializers.Serializer):
        utility_service = reference(required=False)
        category = reference(required=False)

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        utility_service = reference()
        category = reference()
        tariff = TariffInput()

    def get(self, request: Request) -> Response:
        return self.page(selectors.plan_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        plan = services.plan_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.plan_get(tenant_id=self.tenant_id, pk=plan.pk))


class PlanDetail(TenantView):
    module = "onboarding.tariffs"
    Output = PlanOutput

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.plan_get(tenant_id=self.tenant_id, pk=pk)
        if found is None:
            raise NotFound("No such plan.")
        return self.respond(found)


class VersionList(TenantListView):
    module = "onboarding.tariffs"
    Output = VersionOutput
    errors = (409,)
    rules = TARIFF_RULES

    class Input(serializers.Serializer):
        tariff = TariffInput()

    def get(self, request: Request, pk: int) -> Response:
        rows = selectors.version_list(tenant_id=self.tenant_id, plan_id=pk)
        if rows is None:
            raise NotFound("No such plan.")
        return self.page(rows)

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.version_create(tenant_id=self.tenant_id, plan_id=pk,
                                                    **self.input()))
