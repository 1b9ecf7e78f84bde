"""Request-level middleware: health probes and the request context (id, service, role)."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from smart360 import requestid
from smart360.conf import service_name
from smart360.django import health


class HealthCheckMiddleware:
    """Answer /<prefix>healthz and /<prefix>readyz before host validation, sessions or auth.

    Load balancers (ALB, HAProxy) probe with an IP or no Host header at all; a probe must not
    depend on ALLOWED_HOSTS, and liveness must not touch the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        prefix = f"/{service_name()}/"
        self.routes = {
            f"{prefix}healthz": health.liveness,
            f"{prefix}readyz": health.readiness,
            "/healthz": health.liveness,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.routes.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            status, body = probe()
            return JsonResponse(body, status=status)
        return self.get_response(request)


class RequestContextMiddleware:
    """Bind the request id to logs and outbound calls; echo it on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = requestid.accept(request.headers.get(requestid.HEADER))
        requestid.set_current(rid)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        response = self.get_response(request)
        response[requestid.HEADER] = rid
        return response


class AdminLoginThrottle:
    """Django admin's login form, throttled per client address: at most ADMIN_LOGINS POSTs a
    minute (the ALB does not route /admin/ publicly; this is for the hosts that can reach it)."""

    ADMIN_LOGINS = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = f"/{service_name()}/admin/login/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == self.path:
            client = client_address(request)
            key = f"smart360:admin-login:{client}"
            try:
                cache.add(key, 0, 60)  # the window opens with the first attempt
                tries = cache.incr(key)
            except Exception:  # the cache is down: the password check still stands
                tries = 0
            if tries > self.ADMIN_LOGINS:
                return HttpResponse("Too many login attempts; wait a minute.", status=429,
                                    content_type="text/plain", headers={"Retry-After": "60"})
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The client, as the hops in front of us (NUM_PROXIES) report it in X-Forwarded-For."""
    hops = int(getattr(settings, "REST_FRAMEWORK", {}).get("NUM_PROXIES") or 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))
