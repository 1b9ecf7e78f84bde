"""Shared fixtures: a tenant admin, another tenant's admin."""

from __future__ import annotations

import pytest

import mx.readings.tasks  # noqa: F401  (registered here so eager tests run what workers would)
from smart360.testing.factories import OTHER_TENANT, TENANT


@pytest.fixture
def as_admin(api, tokens):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"],
                                                     email="clerk@utility.test"))
    return api


@pytest.fixture
def as_other_tenant(tokens):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=OTHER_TENANT, roles=["admin"]))
    return client
