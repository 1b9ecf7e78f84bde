"""Environment getters that fail fast: a missing required variable stops start-up, loudly."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit


class MissingEnvironment(RuntimeError):
    pass


def required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise MissingEnvironment(f"environment variable {name} is required and not set")
    return value


def optional(name: str, default: str) -> str:
    return os.environ.get(name) or default


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise MissingEnvironment(f"environment variable {name} must be an integer, got {raw!r}") from None


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if not raw:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise MissingEnvironment(f"environment variable {name} must be a boolean, got {raw!r}")


def listing(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in optional(name, default).split(",") if part.strip()]


def redis_url() -> str:
    """REDIS_URL with REDIS_PASSWORD (ElastiCache's AUTH token, a secret) put in when set.

    In AWS the URL (`rediss://`, TLS) and the token arrive separately: the URL is not a secret,
    the token is, and neither may be written into a task definition's plain environment.
    """
    url = required("REDIS_URL")
    password = os.environ.get("REDIS_PASSWORD", "")
    if not password:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f":{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
