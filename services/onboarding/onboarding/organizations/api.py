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
        date_format = serializers.ChoiceField(["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"],
                                              default="YYYY-MM-DD")
        timezone = serializers.ChoiceField(sorted(zoneinfo.available_timezones()), default="UTC")

    def post(self, request: Request) -> Response:
        if self.principal.tenant_id is not None:
            raise Conflict("You already belong to an organization.", code="organization_exists")
        org = services.organization_create(created_by=uuid.UUID(self.principal.subject),
                                           **self.input())
        return self.respond(org)


class OrganizationCurrent(TenantView):
    module = "onboarding.organization"
    Output = OrganizationOutput

    def get(self, request: Request) -> Response:
        org = selectors.organization_of_tenant(tenant_id=self.tenant_id)
        if org is None:
            raise NotFound("No organization for this tenant.")
        return self.respond(org)


class OrganizationDetail(TenantView):
    module = "onboarding.organization"
    Output = OrganizationOutput

    def get(self, request: Request, pk: uuid.UUID) -> Response:
        org = selectors.organization_of_tenant(tenant_id=self.tenant_id, organization_id=pk)
        if org is None:
            raise NotFound("No such organization.")
        return self.respond(org)
