"""Areas API: the hierarchy one area at a time, or imported from CSV."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from onboarding.areas import selectors, services
from onboarding.areas.models import Area
from onboarding.common import reference
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

NAME = r"^[^/]{1,100}$"


class AreaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(Area.Kind.choices)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    path = serializers.CharField(help_text="Names from the region down, joined by '/'.")
    created_at = serializers.DateTimeField()


class AreaList(TenantListView):
    module = "onboarding.areas"
    Output = AreaOutput
    errors = (409,)
    rules = ("a region has no parent; a zone hangs under a region, an area under a zone, "
             "a sub_area under an area",)

    class Filters(serializers.Serializer):
        kind = serializers.ChoiceField(Area.Kind.choices, required=False)
        parent = reference(required=False)  # type: ignore[assignment]
        search = serializers.CharField(required=False, max_length=100, help_text="Part of the path.")

    class Input(serializers.Serializer):
        name = serializers.RegexField(NAME, max_length=100, error_messages={
            "invalid": "1-100 characters, without '/'."})
        kind = serializers.ChoiceField(Area.Kind.choices)
        parent = reference(allow_null=True, required=False, default=None)  # type: ignore[assignment]

    def get(self, request: Request) -> Response:
        return self.page(selectors.area_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.area_create(tenant_id=self.tenant_id, **self.input()))


class AreaDetail(TenantView):
    module = "onboarding.areas"
    Output = AreaOutput

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.area_get(tenant_id=self.tenant_id, pk=pk)
        if found is None:
            raise NotFound("No such area.")
        return self.respond(found)


class AreaImport(TenantView):
    """CSV `name,kind,parent_path` (header optional); all lines or none (400 lists each line's
    error as `line N`)."""

    module = "onboarding.areas"
    post_status = 201
    errors = (409,)
    rules = ("every CSV line is a valid area (see the 400's errors, one per line)",)

    class Input(serializers.Serializer):
        csv = serializers.CharField(max_length=2_000_000, help_text=(
            "Lines name,kind,parent_path; parent_path is an existing area's path or one on a "
            "line above; e.g. 'North,region,' then 'Z1,zone,North'."))

    class Output(serializers.Serializer):
        created = serializers.IntegerField()
        areas = AreaOutput(many=True)

    def post(self, request: Request) -> Response:
        created = services.areas_import(tenant_id=self.tenant_id, text=self.input()["csv"])
        return self.respond({"created": len(created), "areas": created})
