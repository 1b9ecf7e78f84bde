"""Demo data through the public APIs (the same path a real admin takes). Idempotent.

    seed_demo("http://127.0.0.1:8000") -> {"email": ..., "password": ..., "tenant": ...}

Signs the demo admin up (verifying by the link in the mail the dev SMTP server received),
creates the demo organization (tenant), waits until auth's token carries the tenant, and
creates one consumer so a welcome mail goes out.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx

from smart360.mail import inbox

DEMO_EMAIL = "admin@demo-utility.test"
DEMO_PASSWORD = "smart360-demo-admin"  # noqa: S105 (public demo account on a local stack)
DEMO_ORG = {"name": "Demo Water & Power", "currency": "USD", "timezone": "UTC"}


class DemoError(RuntimeError):
    pass


def _claims(access: str) -> dict[str, Any]:
    payload = access.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _check(response: httpx.Response, *ok: int) -> httpx.Response:
    if response.status_code not in ok:
        raise DemoError(f"{response.request.method} {response.request.url}: "
                        f"{response.status_code} {response.text[:300]}")
    return response


def _login(http: httpx.Client) -> httpx.Response:
    return http.post("/auth/api/v1/token/", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})


def _sign_up_and_verify(http: httpx.Client, maildir: Path | None, timeout: float) -> None:
    signup = http.post("/auth/api/v1/signup/",
                       json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "name": "Demo Admin"})
    _check(signup, 201, 409)
    if signup.status_code == 409:  # exists but unverified: ask for a new link
        _check(http.post("/auth/api/v1/verify-email/resend/", json={"email": DEMO_EMAIL}), 202)
    mail = inbox.wait_for(to=DEMO_EMAIL, subject_contains="Verify", maildir=maildir,
                          timeout=timeout)
    match = re.search(r"token=([A-Za-z0-9_\-]+)", mail.body)
    if not match:
        raise DemoError(f"no verification token in {mail.path}")
    _check(http.post("/auth/api/v1/verify-email/", json={"token": match.group(1)}), 200)


def _tenant_token(http: httpx.Client, pair: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Refresh until auth has handled onboarding.organization.created (an event, async)."""
    deadline = time.monotonic() + timeout
    while not _claims(pair["access"]).get("tenant"):
        if time.monotonic() > deadline:
            raise DemoError("the token never got a tenant: is the auth worker running?")
        time.sleep(0.5)
        pair = _check(http.post("/auth/api/v1/token/refresh/",
                                json={"refresh": pair["refresh"]}), 200).json()
    return pair


def seed_demo(gateway_url: str, *, maildir: Path | None = None, timeout: float = 60.0
              ) -> dict[str, str]:
    with httpx.Client(base_url=gateway_url, timeout=15.0) as http:
        login = _login(http)
        if login.status_code != 200:
            _sign_up_and_verify(http, maildir, timeout)
            login = _check(_login(http), 200)
        pair = login.json()
        if not _claims(pair["access"]).get("tenant"):
            headers = {"Authorization": f"Bearer {pair['access']}"}
            _check(http.post("/onboarding/api/v1/organizations/", json=DEMO_ORG, headers=headers),
                   201, 409)
            pair = _tenant_token(http, pair, timeout)
        headers = {"Authorization": f"Bearer {pair['access']}"}
        consumers = _check(http.get("/cx/api/v1/consumers/", headers=headers), 200).json()
        if not consumers["results"]:
            _check(http.post("/cx/api/v1/consumers/", headers=headers, json={
                "name": "Dana Demo", "email": "dana@demo-utility.test", "number": "DEMO-0001",
            }), 201, 409)
        return {"email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                "tenant": str(_claims(pair["access"])["tenant"])}
