"""The authenticated caller, built from verified token claims (no database row behind it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from smart360.registry import grants


@dataclass(frozen=True)
class Principal:
    """A user or a service account, as the token describes it."""

    subject: str
    email: str = ""
    tenant_id: uuid.UUID | None = None
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = field(default_factory=frozenset)
    is_service: bool = False
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    # The attributes DRF and Django expect from request.user.
    is_authenticated = True
    is_anonymous = False
    is_active = True

    @property
    def is_staff(self) -> bool:
        return "staff" in self.roles or "ops" in self.roles

    @property
    def pk(self) -> str:
        return self.subject

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def has_perm(self, code: str) -> bool:
        """`cx.consumers.write` is granted by itself or a pattern (`*`, `cx.*`, `*.write`, ...)."""
        return code in self.permissions or any(grants(p, code) for p in self.permissions)

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        tenant = claims.get("tenant")
        return cls(
            subject=str(claims["sub"]),
            email=str(claims.get("email", "")),
            tenant_id=uuid.UUID(tenant) if tenant else None,
            roles=tuple(claims.get("roles", ())),
            permissions=frozenset(claims.get("perms", ())),
            is_service=claims.get("kind") == "service",
            claims=claims,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "email": self.email,
            "tenant": str(self.tenant_id) if self.tenant_id else None,
            "roles": list(self.roles),
            "permissions": sorted(self.permissions),
            "kind": "service" if self.is_service else "user",
        }
