"""Organizations API: create (the first step of onboarding) and read one's own."""

from __future__ import annotations

import uuid
import zoneinfo

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from onboarding.organizations import selectors, services
from onboarding.organizations.models import Organization
from smart360.django.serializers import ModelSerializer
from smart360.errors import ApplicationError, NotFound
from smart360.identity.tenancy import tenant_of


class OrganizationOut(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "currency", "date_format", "timezone", "created_at"]


class OrganizationIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", default="USD",
                                      error_messages={"invalid": "Use an ISO 4217 code."})
    date_format = serializers.ChoiceField(["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"],
                                          default="YYYY-MM-DD")
    timezone = serializers.CharField(max_length=64, default="UTC")

    def validate_timezone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError("Unknown time zone.")
        return value


class OrganizationList(APIView):
    @extend_schema(request=OrganizationIn, responses={201: OrganizationOut},
                   tags=["organizations"])
    def post(self, request: Request) -> Response:
        if request.user.tenant_id is not None:
            raise ApplicationError("You already belong to an organization.",
                                   code="organization_exists")
        data = OrganizationIn(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.organization_create(created_by=uuid.UUID(request.user.subject),
                                           **data.validated_data)
        return Response(OrganizationOut(org).data, status=status.HTTP_201_CREATED)


class OrganizationCurrent(APIView):
    @extend_schema(responses=OrganizationOut, tags=["organizations"])
    def get(self, request: Request) -> Response:
        org = selectors.organization_of_tenant(tenant_id=tenant_of(request))
        if org is None:
            raise NotFound("No organization for this tenant.")
        return Response(OrganizationOut(org).data)


class OrganizationDetail(APIView):
    @extend_schema(responses=OrganizationOut, tags=["organizations"])
    def get(self, request: Request, pk: uuid.UUID) -> Response:
        org = selectors.organization_of_tenant(tenant_id=tenant_of(request), organization_id=pk)
        if org is None:
            raise NotFound("No such organization.")
        return Response(OrganizationOut(org).data)
