"""The API toolkit: every endpoint of every service is one of these views, written one short way.

    class ConsumerList(TenantListView):
        module = "cx.consumers"              # GET needs cx.consumers.read, POST .write

        class Filters(serializers.Serializer):
            status = serializers.ChoiceField(Consumer.Status.choices, required=False)

        class Input(serializers.Serializer):
            name = serializers.CharField(max_length=200)

        class Output(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()

        def get(self, request: Request) -> Response:
            return self.page(selectors.consumer_list(tenant_id=self.tenant_id, **self.filters()))

        def post(self, request: Request) -> Response:
            consumer = services.consumer_create(tenant_id=self.tenant_id, **self.input())
            return self.respond(consumer)

Nested Input / Output / Filters are shapes only (HackSoft style); the domain rules live in
services. The OpenAPI schema is derived from them (smart360.api.schema), with every status the
view can answer. A tenant view without a module is refused when its class is defined.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from smart360.api import idempotency, pagination, strict
from smart360.api.throttles import PerEmailThrottle
from smart360.conf import service_name
from smart360.errors import ValidationFailed
from smart360.identity.principal import Principal
from smart360.registry import load

HANDLERS = ("get", "post", "put", "patch", "delete")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_local = threading.local()


def _principal(request: Request) -> Principal | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, Principal) else None


class ApiView(APIView):
    """Shared mechanics: validated input and filters, output shaping, pagination."""

    Input: ClassVar[type[serializers.Serializer] | None] = None
    Output: ClassVar[type[serializers.Serializer] | None] = None
    Filters: ClassVar[type[serializers.Serializer] | None] = None
    idempotent: ClassVar[bool] = False  # POST honours Idempotency-Key (money or work)
    post_status: ClassVar[int] = 200  # 201 for a create (list views), 202 for "on its way"
    lists: ClassVar[bool] = False  # GET answers a page of Output (TenantListView sets it)
    ordering: ClassVar[str] = "-id"  # list views: one unique column, keyset-paginated
    model: ClassVar[type[Model] | None] = None  # list views keyed by a non-integer column
    errors: ClassVar[tuple[int, ...]] = ()  # statuses beyond the toolkit's own, for the schema
    # Input rules a JSON schema cannot say (a password not too common): documented with the
    # 400 response, so a client knows a schema-valid body may still be refused for them.
    rules: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.idempotent and "post" in cls.__dict__:
            setattr(cls, "post", idempotency.idempotent(cls.__dict__["post"]))  # noqa: B010

    # -- input -------------------------------------------------------------------------
    def input(self, data: Any = None, *, shape: type[serializers.Serializer] | None = None
              ) -> dict[str, Any]:
        """The request body validated by the view's Input, or by `shape` where one body has
        several shapes (a 400 problem when it does not fit)."""
        shape = shape or self.Input
        assert shape is not None, f"{type(self).__name__} declares no Input"
        data = self.request.data if data is None else data
        wrong = strict.type_errors(shape, data)
        if wrong:
            raise ValidationFailed("; ".join(f"{k}: {v}" for k, v in wrong.items()), errors=wrong)
        serializer = shape(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def filters(self) -> dict[str, Any]:
        """The query parameters validated by the view's Filters; unset ones are left out."""
        if self.Filters is None:
            return {}
        serializer = self.Filters(data=pagination.query_values(self.Filters, self.request.query_params))
        serializer.is_valid(raise_exception=True)
        return {k: v for k, v in serializer.validated_data.items() if v not in (None, "")}

    # -- output ------------------------------------------------------------------------
    def output(self, obj: Any) -> Any:
        """`obj` (a model instance, a dict) shaped by Output. The serializer is built once per
        class and thread, not per response: its fields do not depend on the request."""
        assert self.Output is not None, f"{type(self).__name__} declares no Output"
        cache = _local.__dict__.setdefault("outputs", {})
        shaper = cache.get(self.Output)
        if shaper is None:
            shaper = cache[self.Output] = self.Output()
        return shaper.to_representation(obj)

    def respond(self, obj: Any = None, *, status: int | None = None) -> Response:
        if status is None:
            status = self.post_status if self.request.method == "POST" else 200
        if obj is None:
            return Response(status=204 if status == 200 else status)
        return Response(self.output(obj), status=status)

    def page(self, rows: QuerySet[Any]) -> Response:
        """A keyset page of `rows` ordered by `ordering`: {next, previous, results}."""
        return pagination.page(self, rows, self.ordering)


class TenantView(ApiView):
    """A tenant's API: the caller's tenant from its token, a permission module required."""

    module: ClassVar[str] = ""  # "<service>.<module>": reads need .read, writes .write

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.module and any(h in cls.__dict__ for h in HANDLERS):
            raise ImproperlyConfigured(
                f"{cls.__module__}.{cls.__qualname__} serves a tenant API without a permission "
                f"module: set module = '<service>.<module>' (services.toml lists them)")

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        service, _, module = cls.module.partition(".")
        svc = load().service(service_name())
        if service != svc.name or module not in svc.modules:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}: module {cls.module!r} is not one of {svc.name}'s modules "
                f"{list(svc.modules)} (services.toml)")
        return super().as_view(**initkwargs)

    def get_permissions(self) -> list[BasePermission]:
        return [TenantModulePermission()]

    @property
    def principal(self) -> Principal:
        principal = _principal(self.request)
        assert principal is not None, "TenantModulePermission ran first"
        return principal

    @property
    def tenant_id(self) -> uuid.UUID:
        tenant = self.principal.tenant_id
        assert tenant is not None, "TenantModulePermission ran first"
        return tenant


class TenantListView(TenantView):
    """A collection: GET lists (keyset pages), POST creates (201)."""

    post_status = 201
    lists = True


class SignedInView(ApiView):
    """Any signed-in caller, in a tenant or not yet (creating one's organization, whoami)."""

    def get_permissions(self) -> list[BasePermission]:
        return [SignedIn()]

    @property
    def principal(self) -> Principal:
        principal = _principal(self.request)
        assert principal is not None, "SignedIn ran first"
        return principal


class PlatformView(ApiView):
    """Operations endpoints: platform operators (ops) and service accounts only."""

    def get_permissions(self) -> list[BasePermission]:
        return [PlatformRole()]


class PublicView(ApiView):
    """No token (sign-up, login, reset links): throttled per client address by its scope."""

    authentication_classes: ClassVar[list[type]] = []  # type: ignore[misc]
    throttle_classes: ClassVar[list[type]] = [ScopedRateThrottle]  # type: ignore[misc]
    throttle_scope: ClassVar[str] = "anon"
    throttle_per_email: ClassVar[bool] = False  # also count per email address in the body

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles: list[BaseThrottle] = super().get_throttles()
        return [*throttles, PerEmailThrottle()] if self.throttle_per_email else throttles


# -- permissions (one set for the platform) --------------------------------------------------
class SignedIn(BasePermission):
    message = "Sign in first: send 'Authorization: Bearer <access token>'."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _principal(request) is not None


class TenantModulePermission(BasePermission):
    message = "Your roles do not grant this operation."

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = _principal(request)
        if principal is None:
            return False
        if principal.tenant_id is None:
            self.message = "This endpoint needs a token that belongs to a tenant."
            return False
        action = "read" if request.method in SAFE_METHODS else "write"
        return principal.has_perm(f"{view.module}.{action}")


class PlatformRole(BasePermission):
    """Smart360's own people (ops, staff) and service accounts; auth never gives these roles to
    a tenant's user."""

    message = "Operations endpoints need the ops or staff role, or a service account."

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = _principal(request)
        return principal is not None and principal.has_role("ops", "staff", "service")
