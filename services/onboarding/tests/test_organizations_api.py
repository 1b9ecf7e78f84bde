"""Organizations: the tenant is created here, announced by event, and only its members see it."""

from __future__ import annotations

import uuid

import pytest

from smart360.events.models import OutboxEvent

pytestmark = pytest.mark.django_db
URL = "/onboarding/api/v1/organizations/"


def test_a_tenantless_user_creates_the_organization_and_the_event_is_in_the_outbox(api, tokens):
    founder = uuid.uuid4()
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(sub=str(founder), tenant=None, roles=[]))
    response = api.post(URL, {"name": "Aqua City Water", "currency": "eur",
                              "timezone": "Europe/Lisbon"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["currency"] == "EUR"
    event = OutboxEvent.objects.get(type="onboarding.organization.created")
    assert str(event.tenant_id) == body["id"]
    assert event.payload["created_by"] == str(founder)

    again = api.post(URL, {"name": "Second"}, format="json")
    assert again.status_code == 409


def test_a_member_of_a_tenant_cannot_create_another(api, tokens):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4()))
    assert api.post(URL, {"name": "X"}, format="json").status_code == 409


def test_own_organization_is_visible_and_another_tenants_is_404(api, tokens):
    founder = uuid.uuid4()
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(sub=str(founder), tenant=None))
    org_id = api.post(URL, {"name": "Mine"}, format="json").json()["id"]
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(sub=str(uuid.uuid4()), tenant=None))
    other_id = api.post(URL, {"name": "Theirs"}, format="json").json()["id"]

    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=org_id))
    assert api.get(f"{URL}current/").json()["name"] == "Mine"
    assert api.get(f"{URL}{org_id}/").status_code == 200
    response = api.get(f"{URL}{other_id}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "currency": "euro"}, "currency"),
        ({"name": "A", "timezone": "Mars/Base"}, "timezone"),
        ({"name": ["A"]}, "name"),
    ],
)
def test_bad_input_is_a_400_problem(api, tokens, body, field):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=None))
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


def test_no_token_is_401(api):
    assert api.post(URL, {"name": "A"}, format="json").status_code == 401
