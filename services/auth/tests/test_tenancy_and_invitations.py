"""The organization event makes the creator its admin; tenant-scoped users, invitations, reset."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from auth.accounts.models import Department, Invitation, User
from smart360.events import Envelope
from smart360.events.tasks import deliver

from .conftest import PASSWORD, token_from

pytestmark = pytest.mark.django_db


def organization_created(user_id, tenant) -> dict:
    return Envelope(str(uuid.uuid4()), "onboarding.organization.created", 1, str(tenant),
                    timezone.now().isoformat(), "",
                    {"organization_id": str(tenant), "created_by": str(user_id)}).to_dict()


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
    assert "admin" in [r["name"] for r in api.get("/auth/api/v1/roles/").json()]
    Department.objects.create(tenant_id=uuid.uuid4(), name="Theirs")
    created = api.post("/auth/api/v1/departments/", {"name": "Billing"}, format="json")
    assert created.status_code == 201
    assert api.post("/auth/api/v1/departments/", {"name": "Billing"}, format="json").status_code == 400
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
    assert again.status_code == 400

    from auth.accounts.services import one_time_tokens_expire

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    api.post("/auth/api/v1/invitations/", {**body, "email": "cy@utility.test"}, format="json")
    result = one_time_tokens_expire(now=timezone.now() + timedelta(days=8))
    assert result["invitations_expired"] == 1
    assert Invitation.objects.get(email="cy@utility.test").status == "expired"


def test_only_admins_invite(api, tokens):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4(), roles=["clerk"]))
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
