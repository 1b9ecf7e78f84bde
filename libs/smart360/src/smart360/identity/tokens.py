"""Verify an access token: RS256 only, signed by a key in auth's JWKS, not expired."""

from __future__ import annotations

from typing import Any

import jwt

from smart360.identity import jwks

ISSUER = "smart360-auth"
ALGORITHM = "RS256"
LEEWAY_SECONDS = 30


class InvalidToken(Exception):
    """Why a token was refused (said to the client in a 401)."""


def verify(token: str) -> dict[str, Any]:
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
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token: {exc}") from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    return claims
