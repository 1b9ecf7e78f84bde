"""Tokens for tests: a throw-away RSA key made per test session, served as the JWKS.

    def test_x(api, tokens):
        api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tid, roles=["admin"]))
"""

from __future__ import annotations

import time
import uuid
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from smart360.identity.tokens import AUDIENCE, ISSUER

KID = "test-key"


@cache
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**public, "kid": kid, "use": "sig", "alg": "RS256"}


def jwks_document() -> dict[str, Any]:
    """SMART360_JWKS_PROVIDER for tests."""
    return {"keys": [jwk(private_key(), KID)]}


def claims(
    *,
    tenant: uuid.UUID | str | None = None,
    roles: list[str] | None = None,
    perms: list[str] | None = None,
    sub: str | None = None,
    email: str = "tester@example.com",
    kind: str = "user",
    ttl: int = 300,
) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub or str(uuid.uuid4()),
        "email": email,
        "tenant": str(tenant) if tenant else None,
        "roles": roles if roles is not None else ["admin"],
        "perms": perms if perms is not None else ["*"],
        "kind": kind,
        "typ": "access",
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }


def sign(payload: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None, kid: str = KID) -> str:
    return jwt.encode(payload, key or private_key(), algorithm="RS256", headers={"kid": kid})


class Tokens:
    """The `tokens` fixture."""

    def issue(self, **kwargs: Any) -> str:
        return sign(claims(**kwargs))

    def bearer(self, **kwargs: Any) -> str:
        return f"Bearer {self.issue(**kwargs)}"
