"""Organizations API: create one's own (the first step of onboarding) and read it."""

from __future__ import annotations

import uuid
import zoneinfo

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from onboarding.organizations import selectors, services
from smart360.api import SignedInView, TenantView
from smart360.errors import Conflict, NotFound

DATE_FORMATS = ["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"]
TIMEZONES = sorted(zoneinfo.available_timezones())


class OrganizationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    currency = serializers.CharField()
    date_format = serializers.CharField()
    timezone = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrganizationCreate(SignedInView):
    """A signed-up user creates their utility; they become its admin (a refreshed token then
    carries the new tenant)."""

    post_status = 201
    Output = OrganizationOutput

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        currency = serializers.RegexField(r"^[A-Za-z]{3}$", default="USD",
                                          error_messages={"invalid": "Use an ISO 4217 code."})
        date_format = serializers.ChoiceField(DATE_FORMATS, default="YYYY-MM-DD")
        timezone = serializers.ChoiceField(TIMEZONES, default="UTC")

    def post(self, request: Request) -> Response:
        if self.principal.tenant_id is not None:
            raise Conflict("You already belong to an organization.", code="organization_exists")
        org = services.organization_create(created_by=uuid.UUID(self.principal.subject),
                                           **self.input())
        return self.respond(org)


class OrganizationCurrent(TenantView):
    """The caller's organization; PATCH changes its settings (announced to every service)."""

    module = "onboarding.organization"
    Output = OrganizationOutput

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False,
                                          error_messages={"invalid": "Use an ISO 4217 code."})
        date_format = serializers.ChoiceField(DATE_FORMATS, required=False)
        timezone = serializers.ChoiceField(TIMEZONES, required=False,
                                           help_text="An IANA zone (zoneinfo), e.g. Africa/Nairobi.")

    def get(self, request: Request) -> Response:
        org = selectors.organization_of_tenant(tenant_id=self.tenant_id)
        if org is None:
            raise NotFound("No organization for this tenant.")
        return self.respond(org)

    def patch(self, request: Request) -> Response:
        return self.respond(services.organization_update(tenant_id=self.tenant_id, **self.input()))


class SetupProgress(TenantView):
    """How far the utility's configuration is: weighted steps, done when configured."""

    module = "onboarding.organization"

    class Output(serializers.Serializer):
        class Step(serializers.Serializer):
            key = serializers.CharField()
            done = serializers.BooleanField()
            weight = serializers.IntegerField()

        percent = serializers.IntegerField(min_value=0, max_value=100)
        steps = Step(many=True)

    def get(self, request: Request) -> Response:
        return self.respond(selectors.setup_progress(tenant_id=self.tenant_id))


class OrganizationDetail(TenantView):
    module = "onboarding.organization"
    Output = OrganizationOutput

    def get(self, request: Request, pk: uuid.UUID) -> Response:
        org = selectors.organization_of_tenant(tenant_id=self.tenant_id, organization_id=pk)
        if org is None:
            raise NotFound("No such organization.")
        return self.respond(org)
