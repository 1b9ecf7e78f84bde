"""ID formats API: how the tenant numbers its documents, a preview, and taking a number."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from onboarding.numbering import selectors, services
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound

ENTITIES = sorted(services.DEFAULTS)
DATE_PART_CHOICES = ["", "YYYY", "YYYYMM", "YYYYMMDD"]


class FormatInput(serializers.Serializer):
    prefix = serializers.RegexField(r"^([A-Z0-9]{1,10}(-[A-Z0-9]{1,10}){0,2})?$", max_length=20,
                                    allow_blank=True, error_messages={
                                        "invalid": "Upper-case letters and digits in up to three "
                                                   "dash-separated parts, e.g. 'WA-CUST'."})
    date_part = serializers.ChoiceField(DATE_PART_CHOICES, allow_blank=True)
    padding = serializers.IntegerField(min_value=1, max_value=12)


class FormatOutput(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.CharField()
    prefix = serializers.CharField()
    date_part = serializers.CharField()
    padding = serializers.IntegerField()


class FormatPreview(serializers.Serializer):
    entity = serializers.CharField()
    prefix = serializers.CharField()
    date_part = serializers.CharField()
    padding = serializers.IntegerField()
    configured = serializers.BooleanField(help_text="False: the platform's default is in use.")
    next = serializers.CharField(help_text="The number the next document will get (a preview: "
                                 "nothing is taken).")


def _entity(entity: str) -> str:
    if entity not in services.DEFAULTS:
        raise NotFound(f"No such numbered entity; one of {', '.join(ENTITIES)}.")
    return entity


class IdFormatList(TenantListView):
    module = "onboarding.id_formats"
    Output = FormatOutput
    errors = (409,)
    rules = ("a prefix or a date part",)

    class Input(FormatInput):
        entity = serializers.ChoiceField(ENTITIES)

    def get(self, request: Request) -> Response:
        return self.page(selectors.id_format_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.id_format_set(tenant_id=self.tenant_id, create_only=True,
                                                   **self.input()))


class IdFormatDetail(TenantView):
    """GET: the format in use and the next number; PUT: set it (create or replace)."""

    module = "onboarding.id_formats"
    Output = FormatPreview
    Input = FormatInput
    rules = ("a prefix or a date part",)

    def get(self, request: Request, entity: str) -> Response:
        return self.respond(selectors.id_format_get(tenant_id=self.tenant_id,
                                                    entity=_entity(entity)))

    def put(self, request: Request, entity: str) -> Response:
        services.id_format_set(tenant_id=self.tenant_id, entity=_entity(entity), **self.input())
        return self.respond(selectors.id_format_get(tenant_id=self.tenant_id, entity=entity))


class NumberTake(TenantView):
    """Take the next number of an entity for good (an integration numbering its own documents):
    concurrent takers never share one, and none is skipped. Idempotency-Key: a retry gets the
    same number."""

    module = "onboarding.id_formats"
    idempotent = True
    post_status = 201

    class Output(serializers.Serializer):
        entity = serializers.CharField()
        number = serializers.CharField()

    def post(self, request: Request, entity: str) -> Response:
        number = services.number_take_now(tenant_id=self.tenant_id, entity=_entity(entity))
        return self.respond({"entity": entity, "number": number})
