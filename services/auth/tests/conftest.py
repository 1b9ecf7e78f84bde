from __future__ import annotations

import re

import pytest
from django.db import transaction

from auth.tokens import keys
from smart360.identity import jwks


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, settings, own_cache):
    """Run on-commit work (mail, relay) at once; fresh throttles and key cache per test."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    settings.SMART360_PUBLIC_URL = "http://gw.test"
    keys.invalidate()
    jwks.reset()
    yield
    keys.invalidate()
    jwks.reset()


def token_from(mail) -> str:
    match = re.search(r"token=([A-Za-z0-9_\-]+)", mail.body)
    assert match, mail.body
    return match.group(1)


PASSWORD = "correct horse battery staple"


@pytest.fixture
def signup(api, mailoutbox):
    """Sign up and verify a user through the API; returns its email."""

    def make(email: str = "ana@utility.test", verify: bool = True) -> str:
        response = api.post("/auth/api/v1/signup/",
                            {"email": email, "password": PASSWORD, "name": "Ana"}, format="json")
        assert response.status_code == 201, response.json()
        if verify:
            mail = [m for m in mailoutbox if email in m.to][-1]
            assert api.get("/auth/api/v1/verify-email/", {"token": token_from(mail)}).status_code == 200
        return email

    return make


@pytest.fixture
def login(api):
    def do(email: str, password: str = PASSWORD) -> dict:
        response = api.post("/auth/api/v1/token/", {"email": email, "password": password},
                            format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    return do
