"""DRF authentication: `Authorization: Bearer <access JWT>` verified locally."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from smart360.identity import tokens
from smart360.identity.principal import Principal
from smart360.logging import bind

# A service account has no tenant of its own: calling a tenant's endpoint (notification fetching
# a bill's PDF from bx), it names the tenant it acts in. Only service tokens may, and only to
# read (least privilege: service-to-service writes go through events); a user's token keeps its
# own tenant whatever the header says.
TENANT_HEADER = "X-Smart360-Tenant"
_TENANT_META = "HTTP_" + TENANT_HEADER.upper().replace("-", "_")


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
        if principal.is_service and principal.tenant_id is None:
            principal = _acting_in(request, principal)
        bind(user=principal.subject, tenant=str(principal.tenant_id or ""))
        return principal, claims

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="smart360"'


def _acting_in(request: Request, principal: Principal) -> Principal:
    named = request.META.get(_TENANT_META, "")
    if not named or request.method not in SAFE_METHODS:
        return principal  # tenant-less: a tenant endpoint answers 403
    try:
        tenant = uuid.UUID(named)
    except ValueError as exc:
        raise exceptions.AuthenticationFailed(f"{TENANT_HEADER} must be a tenant id (UUID).") from exc
    return dataclasses.replace(principal, tenant_id=tenant)
