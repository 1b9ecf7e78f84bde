"""The first cross-service flow: sign-up -> organization (tenant) -> consumer -> a mail with its number."""

from __future__ import annotations

import uuid

import httpx
import jwt
import pytest
from flow import admin_with_tenant, create_consumer, mails_to

from smart360.mail import inbox
from smart360.registry import load

pytestmark = pytest.mark.e2e


@pytest.fixture
def http(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=20) as client:
        yield client


def test_signup_to_consumer_mail_through_the_gateway(stack, http):
    admin = admin_with_tenant(stack, http)
    address = f"consumer-{uuid.uuid4().hex[:8]}@e2e.test"
    consumer = create_consumer(http, admin, address, name="Rita Lopes")

    mail = inbox.wait_for(to=address, subject_contains="consumer number", maildir=stack.mail_dir,
                          timeout=90)
    assert "Rita Lopes" in mail.subject
    assert consumer["number"] in mail.body

    deliveries = http.get("/notification/api/v1/deliveries/", headers=admin.headers).json()
    [delivery] = [d for d in deliveries["results"] if d["recipient"] == address]
    assert delivery["status"] in ("SENT", "DELIVERED")
    assert delivery["event_type"] == "cx.consumer.created"


def test_every_service_answers_whoami_with_the_token_and_401_without(stack, http):
    admin = admin_with_tenant(stack, http)
    for name in load().services:
        anonymous = http.get(f"/{name}/api/v1/whoami/")
        assert anonymous.status_code == 401, name
        assert anonymous.headers["content-type"] == "application/problem+json", name
        me = http.get(f"/{name}/api/v1/whoami/", headers=admin.headers)
        assert me.status_code == 200, (name, me.text)
        assert me.json()["tenant"] == admin.tenant, name


def test_jwks_is_served_and_verifies_the_token(stack, http):
    admin = admin_with_tenant(stack, http)
    document = http.get("/auth/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(admin.access)["kid"]
    [key] = [k for k in document["keys"] if k["kid"] == kid]
    claims = jwt.decode(admin.access, jwt.PyJWK(key).key, algorithms=["RS256"],
                        issuer="smart360-auth", audience="smart360")
    assert claims["email"] == admin.email


def test_tenants_cannot_see_each_others_consumers(stack, http):
    first = admin_with_tenant(stack, http)
    second = admin_with_tenant(stack, http)
    consumer = create_consumer(http, first, f"c-{uuid.uuid4().hex[:8]}@e2e.test")
    assert http.get(f"/cx/api/v1/consumers/{consumer['id']}/",
                    headers=first.headers).status_code == 200
    foreign = http.get(f"/cx/api/v1/consumers/{consumer['id']}/", headers=second.headers)
    assert foreign.status_code == 404
    listed = http.get("/cx/api/v1/consumers/", headers=second.headers).json()["results"]
    assert consumer["id"] not in [c["id"] for c in listed]
    other_org = http.get(f"/onboarding/api/v1/organizations/{first.tenant}/",
                         headers=second.headers)
    assert other_org.status_code == 404


@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256")],
)
def test_bad_tokens_are_401_everywhere(stack, http, token):
    response = http.get("/cx/api/v1/consumers/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_bad_input_is_a_clear_400_never_500(stack, http):
    admin = admin_with_tenant(stack, http)
    for body in ({"name": ""}, {"name": "x" * 500}, {"name": "A", "email": "nope"}, ["list"]):
        response = http.post("/cx/api/v1/consumers/", headers=admin.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["detail"]
    broken = http.post("/cx/api/v1/consumers/", content=b"{not json",
                       headers={**admin.headers, "Content-Type": "application/json"})
    assert broken.status_code == 400
    assert not mails_to(stack, "nope")
