"""Roles and permissions as the token carries them."""

from __future__ import annotations

import uuid

import pytest

from smart360.identity.principal import Principal


def principal(**kwargs) -> Principal:
    return Principal(subject="u1", **kwargs)


@pytest.mark.parametrize(
    ("granted", "asked", "allowed"),
    [
        ({"cx.consumers.write"}, "cx.consumers.write", True),
        ({"cx.consumers.read"}, "cx.consumers.write", False),
        ({"cx.*"}, "cx.consumers.write", True),
        ({"bx.*"}, "cx.consumers.write", False),
        ({"*"}, "rx.payments.write", True),
        (set(), "cx.consumers.read", False),
        ({"*.read"}, "mx.readings.read", True),
        ({"*.read"}, "mx.readings.write", False),
        ({"cx.*.read"}, "cx.applications.read", True),
        ({"cx.consumers.*"}, "cx.consumers.write", True),
        ({"cx.consumers.*"}, "cx.applications.write", False),
        ({"nonsense.pattern.with.dots"}, "cx.consumers.read", False),
    ],
)
def test_permission_codes_and_wildcards(granted, asked, allowed):
    assert principal(permissions=frozenset(granted)).has_perm(asked) is allowed


def test_claims_become_a_principal():
    tenant = uuid.uuid4()
    p = Principal.from_claims(
        {"sub": "7", "tenant": str(tenant), "roles": ["ops"], "perms": ["a.b.c"], "kind": "service"}
    )
    assert p.tenant_id == tenant
    assert p.is_service
    assert p.is_staff
    assert p.has_role("ops", "x")
    assert Principal.from_claims({"sub": "7", "tenant": None}).tenant_id is None
