"""Verify an access token: RS256 only, signed by a key in auth's JWKS, not expired.

A client reuses its access token for many requests, so a verified token is remembered (by its
full text, signature included) until it expires: the RSA check and claim parsing were a tenth of
a one-row GET's time. A key withdrawn from the JWKS stops verifying new tokens at once; tokens
it already verified here stay good until their `exp` (minutes), as they would at any verifier
that cached the JWKS.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

import jwt

from smart360.identity import jwks

ISSUER = "smart360-auth"
AUDIENCE = "smart360"  # tokens for the platform's APIs, not another relying party's
ALGORITHM = "RS256"
LEEWAY_SECONDS = 30


class InvalidToken(Exception):
    """Why a token was refused (said to the client in a 401)."""


VERIFIED_CACHE_SIZE = 4096
_verified: OrderedDict[str, tuple[dict[str, Any], float, str]] = OrderedDict()
_verified_lock = threading.Lock()


def verify(token: str) -> dict[str, Any]:
    """The token's claims, or InvalidToken. Remembered until the token expires."""
    now = time.time()
    with _verified_lock:
        hit = _verified.get(token)
        if hit is not None and now < hit[1]:
            _verified.move_to_end(token)
    if hit is not None and now < hit[1] and jwks.still_valid(hit[2]):
        return dict(hit[0])
    claims, kid = _verify_signature_and_claims(token)
    with _verified_lock:
        _verified[token] = (claims, float(claims["exp"]) + LEEWAY_SECONDS, kid)
        if len(_verified) > VERIFIED_CACHE_SIZE:
            _verified.popitem(last=False)
    return dict(claims)


def _verify_signature_and_claims(token: str) -> tuple[dict[str, Any], str]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unsupported token algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("token has no key id")
    key = jwks.key_for(kid)
    if key is None:
        raise InvalidToken("token signed by an unknown key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            audience=AUDIENCE,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token: {exc}") from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    return claims, kid
