"""Token endpoints: obtain (password or client credentials), refresh, logout; the JWKS."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from auth.accounts.services import user_authenticate
from auth.tokens import keys, services
from smart360.api import PublicView


class TokenPair(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(required=False)
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()


class PasswordGrant(serializers.Serializer):
    grant_type = serializers.ChoiceField(["password"], default="password")
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class ClientCredentialsGrant(serializers.Serializer):
    grant_type = serializers.ChoiceField(["client_credentials"])
    client_id = serializers.CharField(max_length=60)
    client_secret = serializers.CharField(max_length=256)


class TokenObtain(PublicView):
    """A person logs in with email and password; a service with its client credentials."""

    throttle_scope = "login"
    throttle_per_email = True
    errors = (401, 423)  # wrong credentials; locked after repeated failures
    Output = TokenPair
    Input = PolymorphicProxySerializer(  # type: ignore[assignment]  # documents both bodies
        component_name="TokenRequest", serializers=[PasswordGrant, ClientCredentialsGrant],
        resource_type_field_name=None)

    def post(self, request: Request) -> Response:
        if isinstance(request.data, dict) and request.data.get("grant_type") == "client_credentials":
            grant = self.input(shape=ClientCredentialsGrant)
            return self.respond(services.service_token_issue(client_id=grant["client_id"],
                                                             client_secret=grant["client_secret"]))
        grant = self.input(shape=PasswordGrant)
        user = user_authenticate(email=grant["email"], password=grant["password"])
        return self.respond(services.token_pair_issue(user=user))


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=200)


class TokenRefresh(PublicView):
    throttle_scope = "refresh"
    errors = (401,)
    Input = RefreshInput
    Output = TokenPair

    def post(self, request: Request) -> Response:
        return self.respond(services.token_refresh(**self.input()))


class Logout(PublicView):
    throttle_scope = "refresh"
    Input = RefreshInput

    def post(self, request: Request) -> Response:
        services.token_revoke(**self.input())
        return self.respond(status=204)


def jwks(request: HttpRequest) -> JsonResponse:
    """/auth/.well-known/jwks.json: current + previous public keys; cacheable briefly."""
    response = JsonResponse(keys.jwks_document())
    response["Cache-Control"] = "public, max-age=300"
    return response
