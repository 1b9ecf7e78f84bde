"""Consumers API: tenant-scoped, problem+json on bad input, cx.consumer.created in the outbox."""

from __future__ import annotations

import uuid

import pytest

from cx.consumers.models import Consumer
from smart360.events.models import OutboxEvent

pytestmark = pytest.mark.django_db
URL = "/cx/api/v1/consumers/"


@pytest.fixture
def tenant():
    return uuid.uuid4()


@pytest.fixture
def as_admin(api, tokens, tenant):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tenant, roles=["admin"]))
    return api


def test_create_consumer_publishes_the_event_in_the_same_transaction(as_admin, tenant):
    response = as_admin.post(URL, {"name": "Rita Lopes", "email": "rita@example.com"},
                             format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("CUST-")
    assert body["status"] == "CREATED"
    consumer = Consumer.objects.get(pk=body["id"])
    assert consumer.tenant_id == tenant
    event = OutboxEvent.objects.get(type="cx.consumer.created")
    assert event.tenant_id == tenant
    assert event.payload == {"consumer_id": consumer.pk, "number": consumer.number,
                             "name": "Rita Lopes", "email": "rita@example.com", "phone": "",
                             "locale": "en"}


def test_duplicate_number_is_409_and_publishes_nothing(as_admin):
    assert as_admin.post(URL, {"name": "A", "number": "C-1"}, format="json").status_code == 201
    dup = as_admin.post(URL, {"name": "B", "number": "C-1"}, format="json")
    assert dup.status_code == 409
    assert OutboxEvent.objects.count() == 1


def test_other_tenants_consumers_are_invisible_and_404(api, tokens, tenant):
    mine = Consumer.objects.create(tenant_id=tenant, number="M-1", name="Mine")
    theirs = Consumer.objects.create(tenant_id=uuid.uuid4(), number="T-1", name="Theirs")
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tenant))
    listed = api.get(URL).json()["results"]
    assert [c["id"] for c in listed] == [mine.pk]
    assert api.get(f"{URL}{mine.pk}/").status_code == 200
    response = api.get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_writes_land_in_the_callers_tenant_only(api, tokens, tenant):
    other = uuid.uuid4()
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tenant))
    # A tenant_id in the body is not an input: the token decides.
    body = api.post(URL, {"name": "A", "tenant_id": str(other)}, format="json").json()
    assert Consumer.objects.get(pk=body["id"]).tenant_id == tenant


def test_a_token_without_tenant_is_403_and_without_token_401(api, tokens):
    assert api.get(URL).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=None))
    assert api.get(URL).status_code == 403


def test_read_only_role_cannot_create(api, tokens, tenant):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tenant, roles=["viewer"],
                                                     perms=["cx.consumers.read"]))
    assert api.get(URL).status_code == 200
    assert api.post(URL, {"name": "A"}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": 12}, "name"),  # JSON types are strict: a number is not a name
        ({"name": "A", "email": "nope"}, "email"),
        ({"name": "A", "phone": "call me"}, "phone"),
        ({"name": "A", "number": "has space"}, "number"),
        ({"name": {"first": "A"}}, "name"),
        ({"name": "A", "locale": "xx"}, "locale"),
    ],
)
def test_bad_input_is_a_400_problem_never_500(as_admin, body, field):
    response = as_admin.post(URL, body, format="json")
    if field is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


def test_malformed_json_and_non_object_bodies_are_400(as_admin):
    bad = as_admin.generic("POST", URL, "{nope", content_type="application/json")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert as_admin.post(URL, ["a"], format="json").status_code == 400
