"""Helpers for the identity/events flows: a fresh admin with a tenant, through the gateway."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from smart360.mail import inbox

PASSWORD = "e2e correct horse battery"


def claims(access: str) -> dict[str, Any]:
    part = access.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


@dataclass
class Admin:
    email: str
    access: str
    refresh: str

    @property
    def tenant(self) -> str:
        return str(claims(self.access)["tenant"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


def sign_up_verified(stack: Any, http: httpx.Client, email: str | None = None) -> str:
    """A new verified user. Sign-ups send mail, so auth throttles them per address (10/min):
    the suite signs up more than that in a minute from 127.0.0.1, and waits out a 429 as any
    client should, for as long as its Retry-After says."""
    email = email or f"admin-{uuid.uuid4().hex[:10]}@e2e.test"
    deadline = time.monotonic() + 90
    while True:
        response = http.post("/auth/api/v1/signup/",
                             json={"email": email, "password": PASSWORD, "name": "E2E Admin"})
        if response.status_code != 429 or time.monotonic() > deadline:
            break
        time.sleep(float(response.headers.get("Retry-After", "5")) + 0.5)
    assert response.status_code == 201, response.text
    mail = inbox.wait_for(to=email, subject_contains="Verify", maildir=stack.mail_dir, timeout=60)
    token = re.search(r"token=([A-Za-z0-9_\-]+)", mail.body)
    assert token, mail.body
    assert http.post("/auth/api/v1/verify-email/",
                     json={"token": token.group(1)}).status_code == 200
    return email


def login(http: httpx.Client, email: str) -> Admin:
    response = http.post("/auth/api/v1/token/", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Admin(email, response.json()["access"], response.json()["refresh"])


def admin_with_tenant(stack: Any, http: httpx.Client, timeout: float = 60) -> Admin:
    admin = login(http, sign_up_verified(stack, http))
    created = http.post("/onboarding/api/v1/organizations/", headers=admin.headers,
                        json={"name": f"Utility {admin.email}", "currency": "USD"})
    assert created.status_code == 201, created.text
    deadline = time.monotonic() + timeout
    while not claims(admin.access).get("tenant"):
        assert time.monotonic() < deadline, "auth never made the creator the tenant admin"
        time.sleep(0.5)
        pair = http.post("/auth/api/v1/token/refresh/", json={"refresh": admin.refresh}).json()
        admin = Admin(admin.email, pair["access"], pair["refresh"])
    assert admin.tenant == created.json()["id"]
    return admin


def create_consumer(http: httpx.Client, admin: Admin, email: str, name: str = "Rita") -> dict:
    response = http.post("/cx/api/v1/consumers/", headers=admin.headers,
                         json={"name": name, "email": email})
    assert response.status_code == 201, response.text
    return dict(response.json())


def mails_to(stack: Any, address: str) -> list[inbox.Mail]:
    return [m for m in inbox.messages(stack.mail_dir) if address in m.to]
