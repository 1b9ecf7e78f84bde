"""Security defaults every service inherits: JSON-only cache, quiet probes, throttled admin login,
HTTPS settings behind an https gateway."""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache

from smart360.django import health
from smart360.django.middleware import AdminLoginThrottle
from smart360.settings import https_settings

pytestmark = pytest.mark.django_db


def test_the_cache_stores_json_never_pickles():
    cache.set("k", {"a": [1, 2.5, "x", None]})
    assert cache.get("k") == {"a": [1, 2.5, "x", None]}
    cache.set("n", 1)
    assert cache.incr("n") == 2
    with pytest.raises(TypeError):
        cache.set("obj", object())


def test_readiness_names_a_failed_dependency_without_its_error_text(monkeypatch, settings):
    def broken() -> str:
        raise ConnectionError("could not connect to db.internal:5432 as svc_cx")

    monkeypatch.setattr(health, "_database", broken)
    settings.DEBUG = False
    status, body = health.readiness()
    assert (status, body["checks"]["database"]) == (503, "unavailable")
    settings.DEBUG = True
    assert "db.internal" in health.readiness()[1]["checks"]["database"]


def test_admin_login_is_throttled_per_client(client, settings, monkeypatch):
    # A small limit and fresh addresses: the window is a minute, and a slow machine or an
    # earlier run's counter must not decide the result. The hasher is not what this is about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(AdminLoginThrottle, "ADMIN_LOGINS", 3)
    me = f"198.51.100.{random.randint(1, 254)}"
    codes = [client.post("/demo/admin/login/", {"username": "x", "password": "y"},
                         HTTP_X_FORWARDED_FOR=me, REMOTE_ADDR="127.0.0.1").status_code
             for _ in range(5)]
    assert codes[:3] == [200] * 3  # the form again, with its error
    assert codes[3:] == [429, 429]
    other = client.post("/demo/admin/login/", {"username": "x", "password": "y"},
                        HTTP_X_FORWARDED_FOR=f"203.0.113.{random.randint(1, 254)}")
    assert other.status_code == 200  # another client is not held back


def test_behind_https_the_security_settings_are_on():
    assert https_settings("http://127.0.0.1:8000") == {}
    secure = https_settings("https://api.smart360.example.com")
    assert secure["SECURE_SSL_REDIRECT"]
    assert secure["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert secure["SESSION_COOKIE_SECURE"]
    assert secure["CSRF_COOKIE_SECURE"]
