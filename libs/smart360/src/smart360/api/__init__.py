"""The API toolkit: tenant-scoped, module-permissioned views with nested Input/Output/Filters,
keyset pagination, server-side Idempotency-Key, and OpenAPI derived from the declarations.

    from smart360.api import TenantListView, TenantView

See smart360.api.views for the pattern every endpoint follows.
"""

from smart360.api.views import (
    ApiView,
    PlatformView,
    PublicView,
    SignedInView,
    TenantListView,
    TenantView,
)

__all__ = ["ApiView", "PlatformView", "PublicView", "SignedInView", "TenantListView", "TenantView"]
