"""Catalog API: utility services, consumer categories, document and contract types, modules."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from onboarding.catalog import selectors, services
from onboarding.catalog.models import ContractType, DocumentType, EnabledModule
from onboarding.common import reference
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

CODE = r"^[a-z0-9][a-z0-9_-]{0,39}$"


def code_field() -> serializers.RegexField:
    return serializers.RegexField(CODE, max_length=40, error_messages={
        "invalid": "Lower-case letters, digits, '_' and '-' (at most 40), e.g. 'electricity'."})


# -- utility services --------------------------------------------------------------------------
class UtilityServiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    metered = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class UtilityServiceList(TenantListView):
    module = "onboarding.catalog"
    Output = UtilityServiceOutput
    errors = (409,)

    class Filters(serializers.Serializer):
        code = serializers.CharField(required=False, max_length=40)
        metered = serializers.BooleanField(required=False, allow_null=True, default=None)

    class Input(serializers.Serializer):
        code = code_field()
        name = serializers.CharField(max_length=200)
        unit = serializers.CharField(max_length=20, help_text="kWh, m3, …")
        metered = serializers.BooleanField(default=True)

    def get(self, request: Request) -> Response:
        return self.page(selectors.utility_service_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.utility_service_create(tenant_id=self.tenant_id,
                                                            **self.input()))


class UtilityServiceDetail(TenantView):
    module = "onboarding.catalog"
    Output = UtilityServiceOutput

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.utility_service_get(tenant_id=self.tenant_id, pk=pk)
        if found is None:
            raise NotFound("No such utility service.")
        return self.respond(found)


# -- categories --------------------------------------------------------------------------------
class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    utility_service = serializers.IntegerField(source="utility_service_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    created_at = serializers.DateTimeField()


class CategoryList(TenantListView):
    module = "onboarding.catalog"
    Output = CategoryOutput
    errors = (409,)
    rules = ("a subcategory's parent is a top-level category of the same utility service",)

    class Filters(serializers.Serializer):
        utility_service = reference(required=False)
        parent = reference(required=False)  # type: ignore[assignment]
        top_level = serializers.BooleanField(required=False, allow_null=True, default=None)

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        utility_service = reference()
        parent = reference(  # type: ignore[assignment]
            required=False, allow_null=True, default=None,
            help_text="A top-level category: this one is its subcategory.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.category_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.category_create(tenant_id=self.tenant_id, **self.input()))


class CategoryDetail(TenantView):
    module = "onboarding.catalog"
    Output = CategoryOutput

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.category_get(tenant_id=self.tenant_id, pk=pk)
        if found is None:
            raise NotFound("No such category.")
        return self.respond(found)


# -- document types, contract types, modules ---------------------------------------------------
class DocumentTypeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()


class DocumentTypeList(TenantListView):
    module = "onboarding.catalog"
    Output = DocumentTypeOutput
    errors = (409,)

    class Input(serializers.Serializer):
        code = code_field()
        name = serializers.CharField(max_length=200)
        required = serializers.BooleanField(default=False)  # type: ignore[assignment]

    def get(self, request: Request) -> Response:
        return self.page(selectors.document_type_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.document_type_create(tenant_id=self.tenant_id, **self.input()))


class DocumentTypeDetail(TenantView):
    module = "onboarding.catalog"

    def delete(self, request: Request, pk: int) -> Response:
        services.tenant_row_delete(DocumentType, tenant_id=self.tenant_id, pk=pk)
        return self.respond()


class ContractTypeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    term_months = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class ContractTypeList(TenantListView):
    module = "onboarding.catalog"
    Output = ContractTypeOutput
    errors = (409,)

    class Input(serializers.Serializer):
        code = code_field()
        name = serializers.CharField(max_length=200)
        term_months = serializers.IntegerField(min_value=1, max_value=600, required=False,
                                               allow_null=True, default=None,
                                               help_text="Null: open-ended.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.contract_type_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.contract_type_create(tenant_id=self.tenant_id, **self.input()))


class ContractTypeDetail(TenantView):
    module = "onboarding.catalog"

    def delete(self, request: Request, pk: int) -> Response:
        services.tenant_row_delete(ContractType, tenant_id=self.tenant_id, pk=pk)
        return self.respond()


class ModuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    module = serializers.ChoiceField(EnabledModule.Module.choices)
    created_at = serializers.DateTimeField()


class ModuleList(TenantListView):
    module = "onboarding.organization"
    Output = ModuleOutput
    errors = (409,)

    class Input(serializers.Serializer):
        module = serializers.ChoiceField(EnabledModule.Module.choices)

    def get(self, request: Request) -> Response:
        return self.page(selectors.module_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.module_enable(tenant_id=self.tenant_id, **self.input()))


class ModuleDetail(TenantView):
    module = "onboarding.organization"

    def delete(self, request: Request, pk: int) -> Response:
        services.tenant_row_delete(EnabledModule, tenant_id=self.tenant_id, pk=pk)
        return self.respond()
