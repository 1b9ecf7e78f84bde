"""`smart360 lint` and `smart360 test`."""

from __future__ import annotations

import os
import sys

import click

from smart360.registry import load


@click.command("lint")
def lint_command() -> None:
    """ruff, mypy, import-linter (services independent), makemigrations --check."""
    from smart360.devtools.lint import lint

    sys.exit(0 if lint(load()) else 1)


@click.command("test")
@click.option("--only", multiple=True, help="Run only these suites (lib, a service, infra, e2e).")
@click.option("--no-e2e", is_flag=True, help="Skip the end-to-end suite.")
def test_command(only: tuple[str, ...], no_e2e: bool) -> None:
    """Every test suite against real PostgreSQL (via PgBouncer), Redis and, for e2e, the stack."""
    from smart360.devtools.testrun import run
    from smart360.registry import find_registry_file
    from smart360.stack.layout import Stack

    # The test stack never shares state or ports with a developer's `make up` stack.
    os.environ.setdefault("SMART360_STATE_DIR", str(find_registry_file().parent / ".state" / "test"))
    os.environ.setdefault("SMART360_PORT_OFFSET", "10000")
    os.environ.setdefault("SMART360_PROFILE", "default")  # not what an earlier `up` recorded
    ok = run(Stack.from_env(), list(only), ["e2e"] if no_e2e else [])
    sys.exit(0 if ok else 1)


COMMANDS = [lint_command, test_command]
