"""auth's public keys (JWKS), cached: in-process first, then the Django cache, then auth.

A token with an unknown `kid` (a key rotated in after our last fetch) triggers one refetch,
at most once per REFETCH_INTERVAL per process, so garbage tokens cannot hammer auth. The key set
a process holds expires after KEYS_MAX_AGE: a key auth withdraws stops verifying everywhere
within minutes, including tokens already verified once (tokens.verify checks the kid).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from smart360.logging import get_logger

log = get_logger(__name__)
CACHE_KEY = "smart360:identity:jwks"
CACHE_SECONDS = 300
KEYS_MAX_AGE = 300.0
REFETCH_INTERVAL = 10.0

_lock = threading.Lock()
_keys: dict[str, Any] = {}
_last_fetch = 0.0
_loaded_at = 0.0


def fetch_document() -> dict[str, Any]:
    """The JWKS document: from SMART360_JWKS_PROVIDER (auth itself, tests) or auth via HTTP."""
    provider = getattr(settings, "SMART360_JWKS_PROVIDER", "")
    if provider:
        document: dict[str, Any] = import_string(provider)()
        return document
    from smart360.http import ServiceClient
    from smart360.registry import IDENTITY_SERVICE

    client = ServiceClient(IDENTITY_SERVICE, timeout=3.0)
    try:
        response = client.get(".well-known/jwks.json")
        response.raise_for_status()
        return dict(response.json())
    finally:
        client.close()


def _load(document: dict[str, Any]) -> dict[str, Any]:
    keys = {}
    for jwk in document.get("keys", []):
        try:
            keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="RS256").key
        except (KeyError, jwt.PyJWKError) as exc:
            log.warning("jwks_key_skipped", error=str(exc))
    return keys


def _cache_get() -> dict[str, Any] | None:
    try:
        return cache.get(CACHE_KEY)
    except Exception:  # Redis down: verification must not depend on it
        return None


def _cache_set(document: dict[str, Any]) -> None:
    try:
        cache.set(CACHE_KEY, document, CACHE_SECONDS)
    except Exception as exc:
        log.warning("jwks_cache_unavailable", error=str(exc))


def _refresh(*, force: bool) -> None:
    global _last_fetch, _loaded_at
    document = None if force else _cache_get()
    if document is None:
        if force and time.monotonic() - _last_fetch < REFETCH_INTERVAL:
            return  # rate limit: somebody asked very recently
        _last_fetch = time.monotonic()
        try:
            document = fetch_document()
        except Exception as exc:  # auth down: keep what we have, answer 401 for unknown keys
            log.warning("jwks_fetch_failed", error=f"{type(exc).__name__}: {exc}")
            return
        _cache_set(document)
    _keys.clear()
    _keys.update(_load(document))
    _loaded_at = time.monotonic()


def key_for(kid: str) -> Any | None:
    """The public key for `kid`, refetching once (rate-limited) when it is unknown."""
    with _lock:
        if not _keys or time.monotonic() - _loaded_at > KEYS_MAX_AGE:
            _refresh(force=False)
        if kid not in _keys:
            _refresh(force=True)
        return _keys.get(kid)


def still_valid(kid: str) -> bool:
    """Is `kid` in the current key set? Cheap while the set is fresh (a dict lookup)."""
    if _keys and time.monotonic() - _loaded_at <= KEYS_MAX_AGE:
        return kid in _keys
    return key_for(kid) is not None


def reset() -> None:
    """Forget every cached key (tests; after a manual key revocation)."""
    global _last_fetch, _loaded_at
    with _lock:
        _keys.clear()
        _last_fetch = _loaded_at = 0.0
        cache.delete(CACHE_KEY)
