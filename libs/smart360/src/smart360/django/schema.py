"""OpenAPI generation for every service (drf-spectacular), complete enough to fuzz."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """Components named after the serializer's qualified name: views keep their input
    serializer nested (`SignUp.Input`), and two nested `Input`s must not share a component."""

    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        return str(type(serializer).__qualname__).replace(".", "")


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the platform's bearer tokens (RS256 JWTs from auth) on every secured operation."""

    target_class = "smart360.identity.authentication.JWTAuthentication"
    name = "bearerJWT"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
