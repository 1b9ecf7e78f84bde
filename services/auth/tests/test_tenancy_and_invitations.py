"""The organization event makes the creator its admin; tenant-scoped users, invitations, reset."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from auth.accounts.models import Department, Invitation, User
from smart360.contracts.onboarding import OrganizationCreated
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of

from .conftest import PASSWORD, token_from

pytestmark = pytest.mark.django_db


def organization_created(user_id, tenant) -> dict:
    return envelope_of(OrganizationCreated(organization_id=tenant, name="Utility", currency="USD",
                                           timezone="UTC", created_by=user_id), tenant_id=tenant)


@pytest.fixture
def admin(api, signup, login):
    """A verified user who created tenant T; returns (tenant, fresh access token)."""
    email = signup()
    pair = login(email)
    tenant = uuid.uuid4()
    deliver.apply(args=[[organization_created(User.objects.get(email=email).pk, tenant)]])
    refreshed = api.post("/auth/api/v1/token/refresh/", {"refresh": pair["refresh"]},
                         format="json").json()
    return tenant, refreshed["access"]


def test_organization_event_makes_the_creator_admin_and_refresh_carries_the_tenant(api, admin):
    tenant, access = admin
    me = api.get("/auth/api/v1/whoami/", HTTP_AUTHORIZATION=f"Bearer {access}").json()
    assert me["tenant"] == str(tenant)
    assert me["roles"] == ["admin"]
    assert me["permissions"] == ["*"]


def test_the_event_twice_or_for_another_tenant_changes_nothing(admin):
    tenant, _ = admin
    user = User.objects.get()
    deliver.apply(args=[[organization_created(user.pk, uuid.uuid4())]])
    user.refresh_from_db()
    assert user.tenant_id == tenant


def test_users_roles_departments_are_tenant_scoped(api, admin):
    _tenant, access = admin
    stranger = User.objects.create_user("s@other.test", PASSWORD, tenant_id=uuid.uuid4())
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    users = api.get("/auth/api/v1/users/").json()["results"]
    assert [u["email"] for u in users] == ["ana@utility.test"]
    assert api.get(f"/auth/api/v1/users/{stranger.pk}/").status_code == 404
    roles = [r["name"] for r in api.get("/auth/api/v1/roles/").json()["results"]]
    assert "admin" in roles
    assert "ops" not in roles
    assert "service" not in roles
    Department.objects.create(tenant_id=uuid.uuid4(), name="Theirs")
    created = api.post("/auth/api/v1/departments/", {"name": "Billing"}, format="json")
    assert created.status_code == 201
    assert api.post("/auth/api/v1/departments/", {"name": "Billing"}, format="json").status_code == 409
    listed = api.get("/auth/api/v1/departments/").json()["results"]
    assert [d["name"] for d in listed] == ["Billing"]


def test_invitation_is_mailed_accepted_once_and_expires(api, admin, mailoutbox):
    tenant, access = admin
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    body = {"email": "ben@utility.test", "name": "Ben", "role": "clerk", "department": "Field"}
    assert api.post("/auth/api/v1/invitations/", body, format="json").status_code == 201
    token = token_from(mailoutbox[-1])
    api.credentials()
    accepted = api.post("/auth/api/v1/invitations/accept/", {"token": token, "password": PASSWORD},
                        format="json")
    assert accepted.status_code == 201
    ben = User.objects.get(email="ben@utility.test")
    assert ben.tenant_id == tenant
    assert ben.department.name == "Field"
    assert list(ben.roles.values_list("name", flat=True)) == ["clerk"]
    again = api.post("/auth/api/v1/invitations/accept/", {"token": token, "password": PASSWORD},
                     format="json")
    assert again.status_code == 404

    from auth.accounts.services import one_time_tokens_expire

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    api.post("/auth/api/v1/invitations/", {**body, "email": "cy@utility.test"}, format="json")
    result = one_time_tokens_expire(now=timezone.now() + timedelta(days=8))
    assert result["invitations_expired"] == 1
    assert Invitation.objects.get(email="cy@utility.test").status == "expired"


def test_only_admins_invite(api, tokens):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4(), roles=["clerk"],
                                                     perms=["*.read", "cx.*"]))
    response = api.post("/auth/api/v1/invitations/",
                        {"email": "x@y.test", "name": "X", "role": "clerk"}, format="json")
    assert response.status_code == 403


def test_password_reset_changes_password_and_logs_out_everywhere(api, signup, login, mailoutbox):
    email = signup()
    pair = login(email)
    assert api.post("/auth/api/v1/password-reset/", {"email": email}, format="json").status_code == 202
    assert api.post("/auth/api/v1/password-reset/", {"email": "nobody@x.test"},
                    format="json").status_code == 202  # same answer: no enumeration
    token = token_from(mailoutbox[-1])
    new = "an entirely new passphrase"
    done = api.post("/auth/api/v1/password-reset/confirm/", {"token": token, "password": new},
                    format="json")
    assert done.status_code == 200
    assert api.post("/auth/api/v1/token/refresh/", {"refresh": pair["refresh"]},
                    format="json").status_code == 401
    login(email, new)


@pytest.mark.parametrize("platform_role", ["ops", "service"])
def test_a_tenant_admin_cannot_give_a_platform_role(api, admin, platform_role):
    """Platform roles read every service's ops endpoints; a tenant must never hand them out."""
    _tenant, access = admin
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = api.post("/auth/api/v1/invitations/",
                        {"email": "mole@utility.test", "name": "Mole", "role": platform_role},
                        format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "platform_role"
    assert not Invitation.objects.filter(email="mole@utility.test").exists()


def test_a_tenant_user_given_a_platform_role_anyway_gets_no_ops_access(api, admin):
    """Defence in depth: even a row put there by hand never reaches the token."""
    from auth.accounts.models import Role

    _tenant, _access = admin
    user = User.objects.get()
    user.roles.add(Role.objects.get(name="ops", tenant_id__isnull=True))
    refreshed = api.post("/auth/api/v1/token/", {"email": user.email, "password": PASSWORD},
                         format="json").json()["access"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed}")
    me = api.get("/auth/api/v1/whoami/").json()
    assert "ops" not in me["roles"]
    assert api.get("/auth/api/v1/ops/jobs/").status_code == 403


def test_roles_and_permissions_are_seeded_from_the_registry():
    from auth.accounts.models import Role
    from auth.accounts.roles import roles_seed
    from smart360.registry import load

    assert roles_seed() == roles_seed()  # idempotent
    clerk = Role.objects.get(name="clerk", tenant_id__isnull=True)
    assert set(clerk.permissions.values_list("code", flat=True)) == set(load().tenant_roles["clerk"])
