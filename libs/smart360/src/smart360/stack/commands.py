"""`smart360 up | down | status | logs | restart | servers`: the local stack's commands."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import click

from smart360.demo import DemoError
from smart360.registry import RegistryError
from smart360.stack import configs, control, memory, status
from smart360.stack.layout import Stack
from smart360.stack.system import StackError
from smart360.text import table


def _say(message: str) -> None:
    click.echo(f"• {message}")


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def print_table(stack: Stack, rows: list[status.ProcessStatus]) -> None:

    click.echo(table([
        {"service": r.service, "role": r.role, "program": r.program, "pid": r.pid,
         "healthy": "yes" if r.healthy else "NO", "detail": r.detail}
        for r in rows
    ]))
    click.echo("")
    click.echo(table(status.servers(stack)))
    click.echo("\nThrough the gateway:")
    for svc in stack.registry.services.values():
        base = f"{stack.gateway_url}{svc.prefix}"
        click.echo(f"  {svc.name:<13} {base}api/docs/   {base}admin/   {base}readyz")
    used, budget = memory.usage(stack)["total"], stack.registry.local.memory_budget_mb
    click.echo(f"\nMemory         {used:,.0f} MB PSS of a {budget:,} MB budget"
               + ("  ** OVER BUDGET **" if used > budget else ""))
    click.echo(f"HAProxy stats  http://127.0.0.1:{stack.port('haproxy_stats')}/stats")
    click.echo(f"Flower         {stack.gateway_url}/flower/   user {configs.FLOWER_USER}, password: "
               f"\"flower\" in {stack.path('secrets.json')}")
    if stack.with_metrics:
        click.echo(f"Prometheus     http://127.0.0.1:{stack.port('prometheus')}/targets")
    if stack.with_traces:
        click.echo(f"Traces         {stack.gateway_url}/ops/traces/")
    click.echo(f"Logs           smart360 logs NAME [-f]   ({stack.logs})")


@click.command()
@click.option("--with-metrics/--without-metrics", default=None,
              help="Also run Prometheus, scraping every process (sticks until changed).")
@click.option("--with-traces/--without-traces", default=None,
              help="Spans of every request, task and event to Redis, shown at /ops/traces/ "
                   "(sticks until changed).")
def up(with_metrics: bool | None, with_traces: bool | None) -> None:
    """Start the whole platform on this machine and wait until every process is healthy."""
    stack = Stack.from_env()
    if with_metrics is not None:
        stack = dataclasses.replace(stack, with_metrics=with_metrics)
    if with_traces is not None:
        stack = dataclasses.replace(stack, with_traces=with_traces)
    try:
        rows = control.up(stack, _say)
        control.seed_demo(stack, _say)
    except (StackError, DemoError) as exc:
        raise _fail(exc) from exc
    print_table(stack, rows)


@click.command()
def down() -> None:
    """Stop everything `up` started."""
    try:
        control.down(Stack.from_env(), _say)
    except StackError as exc:
        raise _fail(exc) from exc


@click.command()
def servers() -> None:
    """Start only PostgreSQL, Redis and PgBouncer (what the unit test suites need)."""
    try:
        control.start_servers(Stack.from_env(), _say)
    except StackError as exc:
        raise _fail(exc) from exc


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per process.")
def status_command(as_json: bool) -> None:
    """Every web, worker and beat process, and whether it is actually serving."""
    stack = Stack.from_env()
    rows = status.collect(stack)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
    elif not rows:
        click.echo("the local stack is not running (`make up`)")
    else:
        print_table(stack, rows)
    if not rows or not all(r.healthy for r in rows):
        sys.exit(1)


@click.command()
@click.argument("name")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines.")
@click.option("-n", "--lines", default=100, show_default=True)
def logs(name: str, follow: bool, lines: int) -> None:
    """Logs of a program (cx-web-0, cx-worker, smtp, ...) or of every process of a service."""
    stack = Stack.from_env()
    files = sorted(stack.logs.glob(f"{name}.log")) or sorted(stack.logs.glob(f"{name}-*.log"))
    if not files:
        raise click.ClickException(f"no logs for {name!r} in {stack.logs}")
    cmd = ["tail", "-n", str(lines), *(["-F"] if follow else []), *map(str, files)]
    raise SystemExit(subprocess.call(cmd))


@click.command()
@click.argument("service")
def restart(service: str) -> None:
    """Rolling restart of one service: zero failed requests through the gateway."""
    try:
        control.restart(Stack.from_env(), service, _say)
    except StackError as exc:
        raise _fail(exc) from exc


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("service")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(service: str, args: tuple[str, ...]) -> None:
    """`manage.py ARGS` of SERVICE against the running stack (shell, createsuperuser, ...)."""
    stack = Stack.from_env()
    try:
        svc = stack.registry.service(service)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    env = {**os.environ, **stack.service_env(svc, "manage")}
    raise SystemExit(subprocess.call(
        [sys.executable, "manage.py", *args], cwd=stack.registry.root / "services" / svc.name,
        env=env))


COMMANDS = [up, down, servers, status_command, logs, restart, manage]
