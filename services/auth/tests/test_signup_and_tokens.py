"""Sign-up, verification, login, refresh, logout and the JWKS, through the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from auth.accounts.models import OneTimeToken, User
from auth.tokens import keys
from auth.tokens.models import RefreshToken
from smart360.events.models import OutboxEvent

from .conftest import PASSWORD, token_from

pytestmark = pytest.mark.django_db


def test_signup_sends_a_24h_verification_mail_and_publishes_the_event(api, signup, mailoutbox):
    signup("ana@utility.test", verify=False)
    [mail] = mailoutbox
    assert mail.to == ["ana@utility.test"]
    assert "http://gw.test/auth/api/v1/verify-email/?token=" in mail.body
    token = OneTimeToken.objects.get(user__email="ana@utility.test")
    assert timedelta(hours=23, minutes=59) < token.expires_at - timezone.now() <= timedelta(hours=24)
    event = OutboxEvent.objects.get(type="auth.user.signed_up")
    assert event.payload["email"] == "ana@utility.test"
    assert "token" not in str(event.payload)
    assert User.objects.get(email="ana@utility.test").password.startswith("argon2")


def test_login_needs_a_verified_email(api, signup):
    signup("ana@utility.test", verify=False)
    response = api.post("/auth/api/v1/token/", {"email": "ana@utility.test", "password": PASSWORD},
                        format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "email_not_verified"


def test_verification_link_works_once_and_not_after_24h(api, signup, mailoutbox):
    signup("ana@utility.test", verify=False)
    token = token_from(mailoutbox[0])
    OneTimeToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/auth/api/v1/verify-email/", {"token": token}).status_code == 404
    OneTimeToken.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    assert api.post("/auth/api/v1/verify-email/", {"token": token}, format="json").status_code == 200
    again = api.post("/auth/api/v1/verify-email/", {"token": token}, format="json")
    assert again.status_code == 404
    assert again.json()["code"] == "invalid_token"


def test_access_token_is_rs256_with_user_tenant_roles_and_kid(api, signup, login):
    pair = login(signup())
    header = jwt.get_unverified_header(pair["access"])
    assert header["alg"] == "RS256"
    assert header["kid"] == keys.current().kid
    jwks_doc = api.get("/auth/.well-known/jwks.json").json()
    public = jwt.PyJWK(jwks_doc["keys"][0]).key
    claims = jwt.decode(pair["access"], public, algorithms=["RS256"], issuer="smart360-auth")
    assert claims["email"] == "ana@utility.test"
    assert claims["tenant"] is None
    assert claims["typ"] == "access"
    assert claims["roles"] == []
    assert "d" not in jwks_doc["keys"][0]  # never the private part

    me = api.get("/auth/api/v1/whoami/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 200
    assert me.json()["email"] == "ana@utility.test"


def test_refresh_rotates_and_logout_revokes(api, signup, login):
    pair = login(signup())
    refreshed = api.post("/auth/api/v1/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert refreshed.status_code == 200
    reused = api.post("/auth/api/v1/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert reused.status_code == 401  # rotated: the old one is dead

    new_refresh = refreshed.json()["refresh"]
    assert api.post("/auth/api/v1/logout/", {"refresh": new_refresh}, format="json").status_code == 204
    after = api.post("/auth/api/v1/token/refresh/", {"refresh": new_refresh}, format="json")
    assert after.status_code == 401
    assert after["Content-Type"] == "application/problem+json"


def test_wrong_password_locks_the_account_after_five_tries(api, signup):
    email = signup()
    for _ in range(5):
        bad = api.post("/auth/api/v1/token/", {"email": email, "password": "nope-nope-nope"},
                       format="json")
        assert bad.status_code == 401
    locked = api.post("/auth/api/v1/token/", {"email": email, "password": PASSWORD}, format="json")
    assert locked.status_code == 423
    assert locked.json()["retry_after"] > 0
    User.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert api.post("/auth/api/v1/token/", {"email": email, "password": PASSWORD},
                    format="json").status_code == 200
    assert User.objects.get(email=email).failed_logins == 0


def test_login_is_throttled_per_client(api, signup, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES",
                        {**ScopedRateThrottle.THROTTLE_RATES, "login": "3/min"})
    codes = [api.post("/auth/api/v1/token/", {"email": "x@y.test", "password": "password12"},
                      format="json").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_key_rotation_keeps_tokens_signed_by_the_previous_key_valid(api, signup, login):
    access = login(signup())["access"]
    old_kid = keys.current().kid
    keys.key_create()
    assert keys.current().kid != old_kid
    kids = [k["kid"] for k in api.get("/auth/.well-known/jwks.json").json()["keys"]]
    assert kids == [keys.current().kid, old_kid]
    assert api.get("/auth/api/v1/whoami/", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 200


def test_key_from_environment_signs(monkeypatch, api, signup, login):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    monkeypatch.setenv("JWT_PRIVATE_KEY", pem)
    keys.invalidate()
    access = login(signup())["access"]
    public = jwt.decode(access, private.public_key(), algorithms=["RS256"],
                        options={"verify_iss": False})
    assert public["email"] == "ana@utility.test"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "name": "A"}, "email"),
        ({"email": "a@b.test", "password": PASSWORD}, "name"),
        ({"email": "a@b.test", "password": PASSWORD, "name": "x" * 151}, "name"),
        ({"email": ["a@b.test"], "password": PASSWORD, "name": "A"}, "email"),
    ],
)
def test_bad_signup_input_is_a_400_problem(api, body, field):
    response = api.post("/auth/api/v1/signup/", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


def test_weak_password_and_duplicate_email_are_refused(api, signup):
    weak = api.post("/auth/api/v1/signup/", {"email": "b@u.test", "password": "1234567890",
                                            "name": "B"}, format="json")
    assert weak.status_code == 400
    assert weak.json()["code"] == "weak_password"
    signup("c@u.test")
    dup = api.post("/auth/api/v1/signup/", {"email": "C@u.test", "password": PASSWORD, "name": "C"},
                   format="json")
    assert dup.status_code == 409


def test_malformed_json_is_a_400_problem(api):
    response = api.generic("POST", "/auth/api/v1/token/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_client_credentials_give_a_service_token(api):
    from auth.accounts.services import service_account_ensure

    service_account_ensure(client_id="cx", secret="s3cret-s3cret", roles=["service"])
    ok = api.post("/auth/api/v1/token/", {"grant_type": "client_credentials", "client_id": "cx",
                                         "client_secret": "s3cret-s3cret"}, format="json")
    assert ok.status_code == 200
    assert "refresh" not in ok.json()
    me = api.get("/auth/api/v1/whoami/", HTTP_AUTHORIZATION=f"Bearer {ok.json()['access']}").json()
    assert me["kind"] == "service"
    assert me["roles"] == ["service"]
    bad = api.post("/auth/api/v1/token/", {"grant_type": "client_credentials", "client_id": "cx",
                                          "client_secret": "wrong"}, format="json")
    assert bad.status_code == 401


def test_purge_drops_expired_and_long_revoked_refresh_tokens(signup, login):
    from auth.tokens.services import refresh_tokens_purge

    login(signup())
    login("ana@utility.test")
    live, old = RefreshToken.objects.all()[:2]
    RefreshToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert refresh_tokens_purge(now=timezone.now()) == 1
    assert list(RefreshToken.objects.values_list("pk", flat=True)) == [live.pk]


def test_unknown_user_id_is_a_404(api, signup, login):
    access = login(signup())["access"]
    response = api.get(f"/auth/api/v1/users/{uuid.uuid4()}/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert response.status_code == 403  # no tenant yet: tenant endpoints refuse
