"""JWT verification against the cached JWKS, through a real DRF endpoint (whoami)."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from smart360.identity import jwks
from smart360.testing import identity

pytestmark = pytest.mark.django_db
WHOAMI = "/demo/api/v1/whoami/"


def _get(api, token: str):
    return api.get(WHOAMI, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_valid_token_identifies_user_tenant_and_roles(api, tokens):
    tenant = uuid.uuid4()
    response = _get(api, tokens.issue(tenant=tenant, roles=["admin", "clerk"], email="a@b.co"))
    assert response.status_code == 200
    assert response.json() == {
        "subject": response.json()["subject"],
        "email": "a@b.co",
        "tenant": str(tenant),
        "roles": ["admin", "clerk"],
        "permissions": ["*"],
        "kind": "user",
    }


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer a b", "Bearer not-a-jwt", "Token x"])
def test_missing_or_malformed_token_is_401_problem(api, tokens, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = api.get(WHOAMI, **kwargs)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_401(api, tokens):
    claims = identity.claims()
    claims.update(iat=int(time.time()) - 3600, exp=int(time.time()) - 120)
    response = _get(api, identity.sign(claims))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_tampered_token_is_401(api, tokens):
    header, payload, signature = tokens.issue(roles=["clerk"]).split(".")
    forged = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"clerk"', b'"admin"')
    ).decode()
    assert _get(api, f"{header}.{forged}.{signature}").status_code == 401


def test_token_signed_by_an_unknown_key_is_401(api, tokens):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _get(api, identity.sign(identity.claims(), key=stranger, kid="other")).status_code == 401
    # Same kid, different key: the signature check refuses it.
    assert _get(api, identity.sign(identity.claims(), key=stranger)).status_code == 401


def test_hs256_and_none_algorithms_are_refused(api, tokens):
    claims = identity.claims()
    hs = jwt.encode(claims, "secret", algorithm="HS256", headers={"kid": identity.KID})
    none = jwt.encode(claims, None, algorithm="none", headers={"kid": identity.KID})
    assert _get(api, hs).status_code == 401
    assert _get(api, none).status_code == 401


def test_refresh_token_type_is_not_an_access_token(api, tokens):
    claims = {**identity.claims(), "typ": "refresh"}
    assert _get(api, identity.sign(claims)).status_code == 401


def test_jwks_is_cached_and_refetched_for_a_new_kid_rate_limited(settings, monkeypatch, api):
    """Rotation: a new kid triggers one refetch; garbage kids do not hammer auth."""
    calls = []
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    documents = [identity.jwks_document()]

    def provider():
        calls.append(1)
        return documents[-1]

    monkeypatch.setattr(jwks, "fetch_document", provider)
    jwks.reset()
    assert _get(api, identity.sign(identity.claims())).status_code == 200
    assert _get(api, identity.sign(identity.claims())).status_code == 200
    assert len(calls) == 1  # cached after the first fetch

    documents.append({"keys": [identity.jwk(identity.private_key(), identity.KID),
                               identity.jwk(rotated, "k2")]})
    monkeypatch.setattr(jwks, "_last_fetch", 0.0)  # the rate-limit window has passed
    assert _get(api, identity.sign(identity.claims(), key=rotated, kid="k2")).status_code == 200
    assert len(calls) == 2  # unknown kid -> one refetch
    for _ in range(5):
        assert _get(api, identity.sign(identity.claims(), key=rotated, kid="nope")).status_code == 401
    assert len(calls) == 2  # within the rate-limit window: no refetch for garbage kids
    # The previous key still verifies: rotation does not invalidate issued tokens.
    assert _get(api, identity.sign(identity.claims())).status_code == 200
    jwks.reset()


def test_auth_unreachable_means_401_not_500(api, monkeypatch):
    def down():
        raise ConnectionError("auth is down")

    monkeypatch.setattr(jwks, "fetch_document", down)
    jwks.reset()
    response = _get(api, identity.sign(identity.claims()))
    assert response.status_code == 401
    jwks.reset()


def test_redis_down_does_not_break_verification(api, tokens, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    jwks._keys.clear()
    assert _get(api, tokens.issue()).status_code == 200


def test_a_verified_token_is_remembered_until_it_expires(api, tokens, monkeypatch):
    from smart360.identity import tokens as verifier

    claims = identity.claims()
    claims.update(exp=int(time.time()) + 2)
    token = identity.sign(claims)
    assert _get(api, token).status_code == 200
    decodes = []
    real_decode = jwt.decode
    monkeypatch.setattr(verifier.jwt, "decode", lambda *a, **k: decodes.append(1) or real_decode(*a, **k))
    assert _get(api, token).status_code == 200
    assert decodes == []  # no second RSA check for the same token
    monkeypatch.setattr(verifier, "LEEWAY_SECONDS", 0)
    claims_seen, _, kid = verifier._verified[token]
    verifier._verified[token] = (claims_seen, time.time() - 1, kid)  # its time is up
    assert _get(api, token).status_code == 200  # verified afresh (still within exp)
    assert decodes == [1]


def test_a_tampered_copy_of_a_remembered_token_is_still_refused(api, tokens):
    token = identity.sign(identity.claims())
    assert _get(api, token).status_code == 200
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    assert _get(api, forged).status_code == 401


def test_a_token_for_another_audience_is_refused(api):
    claims = identity.claims()
    claims["aud"] = "some-other-api"
    assert _get(api, identity.sign(claims)).status_code == 401
    del claims["aud"]
    assert _get(api, identity.sign(claims)).status_code == 401


def test_a_withdrawn_key_stops_verifying_within_minutes_even_remembered_tokens(api, monkeypatch):
    """The key set expires after KEYS_MAX_AGE: a key auth removed from its JWKS is then gone,
    and a token verified once with it is refused too."""
    documents = [identity.jwks_document()]
    monkeypatch.setattr(jwks, "fetch_document", lambda: documents[-1])
    jwks.reset()
    token = identity.sign(identity.claims())
    assert _get(api, token).status_code == 200
    documents.append({"keys": []})  # auth withdrew the key
    assert _get(api, token).status_code == 200  # within the max age: still the old key set
    monkeypatch.setattr(jwks, "KEYS_MAX_AGE", 0.0)
    monkeypatch.setattr(jwks, "_last_fetch", 0.0)
    from django.core.cache import cache

    cache.delete(jwks.CACHE_KEY)
    assert _get(api, token).status_code == 401
    jwks.reset()
