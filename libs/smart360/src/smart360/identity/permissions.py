"""Permission checks on the token's roles and permissions (DRF permission classes)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from smart360.identity.principal import Principal


def _principal(request: Request) -> Principal | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, Principal) else None


class HasTenant(BasePermission):
    """The caller acts inside a tenant (a user of a utility, or a service on its behalf)."""

    message = "This endpoint needs a token that belongs to a tenant."

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = _principal(request)
        return principal is not None and principal.tenant_id is not None


class IsOpsOrStaff(BasePermission):
    """Operations endpoints: platform staff, ops, or a service account."""

    message = "Operations endpoints need the staff or ops role."

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = _principal(request)
        return principal is not None and (principal.is_staff or principal.is_service)


def require_roles(*roles: str) -> type[BasePermission]:
    """`permission_classes = [require_roles("admin")]`: any one of the roles suffices."""

    class _HasRole(BasePermission):
        message = f"This needs one of the roles: {', '.join(roles)}."

        def has_permission(self, request: Request, view: Any) -> bool:
            principal = _principal(request)
            return principal is not None and principal.has_role(*roles)

    _HasRole.__name__ = f"HasRole_{'_'.join(roles)}"
    return _HasRole


class ModulePermission(BasePermission):
    """Per service module: a view sets `permission_module = "cx.consumers"`; safe methods need
    `<module>.read`, others `<module>.write`. Tenant admins hold `*` within their tenant."""

    message = "Your roles do not grant this operation."

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = _principal(request)
        module = getattr(view, "permission_module", None)
        if principal is None or module is None:
            return principal is not None
        action = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
        return principal.has_perm(f"{module}.{action}")
