"""pytest plugin for service test suites (enabled by `-p smart360.testing.plugin`)."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis judges our properties, not the machine's speed: on a loaded two-core CI box
    drawing examples and running each may take seconds, which says nothing about the code."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # a suite without property tests
        return
    settings.register_profile("smart360", deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("smart360")


@pytest.fixture
def service() -> str:
    from smart360.conf import service_name

    return service_name()


@pytest.fixture
def prefix(service: str) -> str:
    return f"/{service}/"


@pytest.fixture
def api() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _celery_eager(settings: Any) -> None:
    """Unit tests run tasks inline; the end-to-end suite runs them on real workers."""
    from smart360.celery.app import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture
def tokens(settings: Any) -> Any:
    """Sign tokens with a per-session test key that the JWT authentication trusts."""
    from smart360.identity import jwks
    from smart360.testing.identity import Tokens

    settings.SMART360_JWKS_PROVIDER = "smart360.testing.identity.jwks_document"
    jwks.reset()
    yield Tokens()
    jwks.reset()


@pytest.fixture
def as_admin(api: Any, tokens: Any) -> Any:
    """The API client as the test tenant's admin (smart360.testing.factories.TENANT)."""
    from smart360.testing.factories import TENANT

    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"],
                                                     email="clerk@utility.test"))
    return api


@pytest.fixture
def as_other_tenant(tokens: Any) -> Any:
    """Another client, as another tenant's admin: what it must never see is the test's point."""
    from rest_framework.test import APIClient

    from smart360.testing.factories import OTHER_TENANT

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=OTHER_TENANT, roles=["admin"]))
    return client


@pytest.fixture
def own_cache() -> Any:
    """This service's cache, emptied: only its own keys (KEY_PREFIX). `cache.clear()` is FLUSHDB
    on the Redis every suite shares, and wipes other suites' throttle counters mid-test."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    stale = list(client.scan_iter(match=cache.make_key("*"), count=1000))
    if stale:
        client.delete(*stale)
    return cache
