"""RS256 signing keys: from JWT_PRIVATE_KEY, else generated once and kept in auth's database.

JWKS = the current key + the previous one, so rotation never invalidates a live token.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection, transaction

from auth.tokens.models import SigningKey

CACHE_SECONDS = 60
_lock = threading.RLock()
_cache: dict[str, Any] = {"at": 0.0, "keys": []}


@dataclass(frozen=True)
class Key:
    kid: str
    private: Any
    jwk: dict[str, Any]


def _public_jwk(private: rsa.RSAPrivateKey) -> tuple[str, dict[str, Any]]:
    public: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    # RFC 7638 thumbprint: stable kid for the same key wherever it comes from.
    canonical = json.dumps({k: public[k] for k in ("e", "kty", "n")}, separators=(",", ":"),
                           sort_keys=True)
    kid = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return kid, {**public, "kid": kid, "use": "sig", "alg": "RS256"}


def _from_pem(pem: str) -> Key:
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey), "JWT signing keys are RSA"
    kid, jwk = _public_jwk(private)
    return Key(kid, private, jwk)


def key_create() -> SigningKey:
    """A new signing key becomes the current one (rotation)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid, jwk = _public_jwk(private)
    row = SigningKey.objects.create(kid=kid, private_pem=pem, public_jwk=jwk)
    invalidate()
    return row


def _database_keys(*, create: bool) -> list[Key]:
    rows = list(SigningKey.objects.order_by("-created_at")[:2])
    if not rows and create:
        with transaction.atomic():
            # Two web processes starting together must not both generate a first key.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(36042)")
            rows = list(SigningKey.objects.order_by("-created_at")[:2]) or [key_create()]
    return [_from_pem(r.private_pem) for r in rows]


def keys() -> list[Key]:
    """[current, previous?]. JWT_PRIVATE_KEY (env) wins as current; the newest DB key follows."""
    with _lock:
        if time.monotonic() - _cache["at"] < CACHE_SECONDS and _cache["keys"]:
            return list(_cache["keys"])
        env_pem = os.environ.get("JWT_PRIVATE_KEY", "").replace("\\n", "\n").strip()
        found = [_from_pem(env_pem)] if env_pem else []
        # With JWT_PRIVATE_KEY (production: a secret) no key is ever made in the database; an
        # older database key, if any, stays verifiable as the previous one.
        found += [k for k in _database_keys(create=not env_pem) if k.kid not in {f.kid for f in found}]
        _cache.update(at=time.monotonic(), keys=found[:2])
        return list(_cache["keys"])


def current() -> Key:
    return keys()[0]


def jwks_document() -> dict[str, Any]:
    """The public half of the current and previous keys (also auth's own JWKS provider)."""
    return {"keys": [k.jwk for k in keys()]}


def invalidate() -> None:
    with _lock:
        _cache.update(at=0.0, keys=[])
