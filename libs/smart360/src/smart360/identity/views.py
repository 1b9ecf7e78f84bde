"""`GET /<service>/api/v1/whoami/`: who the token says the caller is (every service)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from smart360.identity.principal import Principal

_WhoAmI = inline_serializer(
    "WhoAmI",
    {
        "subject": serializers.CharField(),
        "email": serializers.CharField(),
        "tenant": serializers.UUIDField(allow_null=True),
        "roles": serializers.ListField(child=serializers.CharField()),
        "permissions": serializers.ListField(child=serializers.CharField()),
        "kind": serializers.ChoiceField(choices=["user", "service"]),
    },
)


@extend_schema(responses=_WhoAmI, tags=["identity"])
@api_view(["GET"])
def whoami(request: Request) -> Response:
    assert isinstance(request.user, Principal)  # IsAuthenticated ran first
    return Response(request.user.as_dict())
