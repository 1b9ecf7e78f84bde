"""DRF authentication: `Authorization: Bearer <access JWT>` verified locally."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from smart360.identity import tokens
from smart360.identity.principal import Principal
from smart360.logging import bind


class JWTAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Principal, dict[str, Any]] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <token>'.")
        try:
            claims = tokens.verify(header[1].decode("ascii"))
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("malformed token") from exc
        except tokens.InvalidToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        principal = Principal.from_claims(claims)
        bind(user=principal.subject, tenant=str(principal.tenant_id or ""))
        return principal, claims

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="smart360"'
