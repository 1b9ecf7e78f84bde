"""Demo data through the public APIs (the same path a real admin takes). Idempotent.

    seed_demo("http://127.0.0.1:8000") -> {"email": ..., "password": ..., "tenant": ...}

Signs the demo admin up (verifying by the link in the mail the dev SMTP server received),
creates the demo organization (tenant), waits until auth's token carries the tenant, then
configures an electricity utility (DOMAIN.md's worked slab plan) and a water utility, and
connects a few consumers through the whole application flow (smart360.flow: inspection and
installation work orders, meters, accounts, welcome mails).
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx

from smart360.flow import Flow, FlowError, results
from smart360.mail import inbox

DEMO_EMAIL = "admin@demo-utility.test"
DEMO_PASSWORD = "smart360-demo-admin"  # noqa: S105 (public demo account on a local stack)
DEMO_ORG = {"name": "Demo Water & Power", "currency": "USD", "timezone": "UTC"}
WATER_SLABS: list[dict[str, Any]] = [{"up_to": "10", "rate": "0.50"}, {"up_to": "30", "rate": "0.90"},
               {"up_to": None, "rate": "1.40"}]
DEMO_CONSUMERS = [  # (utility, name, email)
    ("electricity", "Dana Demo", "dana@demo-utility.test"),
    ("electricity", "Eli Example", "eli@demo-utility.test"),
    ("water", "Wanda Water", "wanda@demo-utility.test"),
]


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
        try:
            _configure_and_connect(Flow(http, pair["access"]))
        except FlowError as exc:
            raise DemoError(str(exc)) from exc
        return {"email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                "tenant": str(_claims(pair["access"])["tenant"])}


def _configure_and_connect(flow: Flow) -> None:
    """Both utilities and the demo consumers, unless a previous `up` seeded them already."""
    if results(flow.get("/onboarding/api/v1/utility-services/")):
        return
    utilities = {
        "electricity": flow.configure(),
        "water": flow.configure(code="water", name="Water", unit="m3",
                                area_names=("South", "South-1", "Harbour"), slabs=WATER_SLABS,
                                fixed_charge="5.00"),
    }
    for utility, name, email in DEMO_CONSUMERS:
        flow.connect(utilities[utility], email, name=name)
