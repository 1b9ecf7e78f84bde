"""Token endpoints: obtain (password or client credentials), refresh, logout; the JWKS."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from auth.accounts.services import user_authenticate
from auth.tokens import keys, services

_Pair = inline_serializer("TokenPair", {
    "access": serializers.CharField(), "refresh": serializers.CharField(required=False),
    "token_type": serializers.CharField(), "expires_in": serializers.IntegerField(),
})


class _Public(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class TokenObtain(_Public):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        grant_type = serializers.ChoiceField(["password", "client_credentials"],
                                             default="password")
        email = serializers.EmailField(required=False, max_length=254)
        password = serializers.CharField(required=False, max_length=256, trim_whitespace=False)
        client_id = serializers.CharField(required=False, max_length=60)
        client_secret = serializers.CharField(required=False, max_length=256)

        def validate(self, attrs: dict) -> dict:
            needed = (("email", "password") if attrs["grant_type"] == "password"
                      else ("client_id", "client_secret"))
            missing = [f for f in needed if not attrs.get(f)]
            if missing:
                raise serializers.ValidationError({f: "This field is required." for f in missing})
            return attrs

    @extend_schema(request=Input, responses=_Pair, tags=["tokens"])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["grant_type"] == "client_credentials":
            return Response(services.service_token_issue(client_id=v["client_id"],
                                                         client_secret=v["client_secret"]))
        user = user_authenticate(email=v["email"], password=v["password"])
        return Response(services.token_pair_issue(user=user))


class _RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=200)


class TokenRefresh(_Public):
    @extend_schema(request=_RefreshInput, responses=_Pair, tags=["tokens"])
    def post(self, request: Request) -> Response:
        data = _RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.token_refresh(refresh=data.validated_data["refresh"]))


class Logout(_Public):
    @extend_schema(request=_RefreshInput, responses={204: None}, tags=["tokens"])
    def post(self, request: Request) -> Response:
        data = _RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.token_revoke(refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def jwks(request: HttpRequest) -> JsonResponse:
    """/auth/.well-known/jwks.json: current + previous public keys; cacheable briefly."""
    response = JsonResponse(keys.jwks_document())
    response["Cache-Control"] = "public, max-age=300"
    return response
