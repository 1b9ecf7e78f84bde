"""Maintenance contracts (AMC) and insurance policies: which assets, which dates, which provider,
what value; their state (UPCOMING, ACTIVE, EXPIRED) as of the tenant's today."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ax import common
from ax.covers import selectors, services
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

STATES = ["UPCOMING", "ACTIVE", "EXPIRED"]
RULES = (common.DATE_RULE, "ends_on on or after starts_on")


class CoverOutput(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The last day of cover.")
    state = serializers.ChoiceField(STATES, help_text="As of the tenant's today.")
    assets = serializers.ListField(child=serializers.IntegerField(), source="asset_ids")
    notify_email = serializers.CharField(help_text="Who gets the expiry reminders.")
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()


class ContractOutput(CoverOutput):
    reference = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class PolicyOutput(CoverOutput):
    policy_number = serializers.CharField()
    sum_insured = serializers.DecimalField(max_digits=14, decimal_places=2)
    premium = serializers.DecimalField(max_digits=14, decimal_places=2)


def _cover_fields(required: bool) -> dict[str, serializers.Field]:
    optional: dict[str, Any] = {} if required else {"required": False}
    blank: dict[str, Any] = {"default": ""} if required else {}
    return {
        "provider": common.name(**optional),
        "starts_on": common.day(**optional),
        "ends_on": common.day(**optional),
        "assets": serializers.ListField(child=common.ref("asset"), max_length=1000, **optional,
                                        help_text="The covered assets (replaces the list)."),
        "notify_email": serializers.EmailField(max_length=254, required=False, allow_blank=True,
                                               **blank),
        "notes": common.text(required=False, **blank),
    }


def _shape(name: str, required: bool, **extra: serializers.Field) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {**_cover_fields(required), **extra})


def _contract_fields(required: bool) -> dict[str, serializers.Field]:
    optional: dict[str, Any] = {} if required else {"required": False}
    return {"reference": common.code(**optional), "value": common.amount(**optional)}


def _policy_fields(required: bool) -> dict[str, serializers.Field]:
    optional: dict[str, Any] = {} if required else {"required": False}
    return {"policy_number": common.code(**optional), "sum_insured": common.amount(**optional),
            "premium": common.amount(**optional)}


class _Covers(TenantListView):
    module = "ax.contracts"
    idempotent = True  # a contract or policy is money
    rules = RULES
    kind: ClassVar[services.Kind]

    class Filters(serializers.Serializer):
        asset = common.ref("asset", required=False)
        search = serializers.CharField(required=False, max_length=100,
                                       help_text="The exact number, or part of the provider's name.")
        state = serializers.ChoiceField(STATES, required=False)
        expiring_within = serializers.IntegerField(required=False, min_value=0, max_value=3650,
                                                   help_text="Ending within this many days.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.cover_list(kind=self.kind, tenant_id=self.tenant_id,
                                              **self.filters()))

    def post(self, request: Request) -> Response:
        cover = services.cover_create(kind=self.kind, tenant_id=self.tenant_id, **self.input())
        return self.respond(self._detail(cover.pk))

    def _detail(self, pk: int) -> Any:
        return _found(selectors.cover_detail(kind=self.kind, tenant_id=self.tenant_id, cover_id=pk),
                      self.kind, pk)


class _Cover(TenantView):
    module = "ax.contracts"
    rules = RULES
    kind: ClassVar[services.Kind]

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(self._detail(pk))

    def patch(self, request: Request, pk: int) -> Response:
        services.cover_update(kind=self.kind, tenant_id=self.tenant_id, cover_id=pk, **self.input())
        return self.respond(self._detail(pk))

    def _detail(self, pk: int) -> Any:
        return _found(selectors.cover_detail(kind=self.kind, tenant_id=self.tenant_id, cover_id=pk),
                      self.kind, pk)


def _found(row: Any, kind: services.Kind, pk: int) -> Any:
    if row is None:  # absent, or another tenant's: the same 404
        raise NotFound(f"No such {kind.model._meta.verbose_name} {pk}.")
    return row


class ContractList(_Covers):
    """Maintenance contracts (AMC): a provider maintains the covered assets for a value."""

    kind = services.CONTRACT
    Output = ContractOutput
    Input = _shape("ContractInput", True, **_contract_fields(True))


class ContractDetail(_Cover):
    kind = services.CONTRACT
    Output = ContractOutput
    Input = _shape("ContractChange", False, **_contract_fields(False))


class PolicyList(_Covers):
    """Insurance policies on assets."""

    kind = services.INSURANCE
    Output = PolicyOutput
    Input = _shape("PolicyInput", True, **_policy_fields(True))


class PolicyDetail(_Cover):
    kind = services.INSURANCE
    Output = PolicyOutput
    Input = _shape("PolicyChange", False, **_policy_fields(False))
