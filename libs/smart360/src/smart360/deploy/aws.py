"""AWS clients and time, injectable: tests pass Stubber/moto clients and a fake clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click


@dataclass
class Clients:
    ecs: Any
    ecr: Any
    secretsmanager: Any
    ec2: Any
    sts: Any

    @classmethod
    def create(cls, region: str) -> Clients:
        import boto3

        session = boto3.session.Session(region_name=region)
        return cls(**{name: session.client(name) for name in
                      ("ecs", "ecr", "secretsmanager", "ec2", "sts")})


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
