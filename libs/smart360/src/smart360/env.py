"""Environment getters that fail fast: a missing required variable stops start-up, loudly."""

from __future__ import annotations

import os


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
