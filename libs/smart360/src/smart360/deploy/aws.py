"""AWS clients and time, injectable: tests pass Stubber/moto clients and a fake clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

# Every AWS error a deploy can meet mid-way: throttling past the retries, expired credentials,
# AccessDenied (ClientError), and connection/parsing failures (BotoCoreError).
try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)
except ImportError:  # pragma: no cover - boto3 is a dependency of the library
    AWS_ERRORS = ()

CLIENTS = ("ecs", "ecr", "secretsmanager", "ec2", "sts", "autoscaling", "cloudformation", "ssm")
# The "standard" retry mode backs off on throttling and transient errors (legacy mode retries
# fewer error codes); 10 attempts ride out a burst of ThrottlingException during a deploy.
RETRIES = {"mode": "standard", "max_attempts": 10}


@dataclass
class Clients:
    ecs: Any
    ecr: Any
    secretsmanager: Any
    ec2: Any
    sts: Any
    autoscaling: Any = None
    cloudformation: Any = None
    ssm: Any = None

    @classmethod
    def create(cls, region: str) -> Clients:
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(region_name=region)
        config = Config(retries=RETRIES)
        return cls(**{name: session.client(name, config=config) for name in CLIENTS})


@dataclass
class Pace:
    """How the commands wait. Tests use a clock that moves only when they sleep."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    poll_seconds: float = 10.0


@dataclass
class Console:
    """Progress lines, prefixed with the seconds since the command started."""

    pace: Pace
    echo: Callable[[str], None] = field(default=click.echo)
    started: float | None = None

    def __call__(self, message: str) -> None:
        now = self.pace.clock()
        if self.started is None:
            self.started = now
        self.echo(f"[{now - self.started:6.0f}s] {message}")


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def describe_error(exc: Exception) -> str:
    """One line for an AWS error: its code and message (or the exception's text)."""
    code = error_code(exc)
    return f"{code}: {exc}" if code else f"{type(exc).__name__}: {exc}"
