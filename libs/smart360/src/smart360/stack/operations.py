"""`smart360 job …` and `smart360 events …`: operate the running stack's jobs and events.

    smart360 job list [SERVICE]              the scheduled jobs and their last runs
    smart360 job run SERVICE JOB [--as-of]   run one now on the service's worker, wait for it
    smart360 events                          event types: publisher, subscribers, contract fields
    smart360 events dead [SERVICE]           dead-lettered events (all services by default)
    smart360 events replay ID [--service S]  handle a dead letter again
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click

from smart360.contracts import contracts
from smart360.registry import RegistryError, Service, load
from smart360.stack.layout import Stack
from smart360.text import table


def run_manage(stack: Stack, svc: Service, *args: str) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` of a service against the running stack, output captured."""
    env = {**os.environ, **stack.service_env(svc, "manage")}
    return subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True,
                          text=True, cwd=stack.registry.root / "services" / svc.name, check=False)


def _services(stack: Stack, name: str | None) -> list[Service]:
    try:
        return [stack.registry.service(name)] if name else list(stack.registry.services.values())
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("job")
def job() -> None:
    """Scheduled jobs of the running stack."""


@job.command("list")
@click.argument("service", required=False)
def job_list(service: str | None) -> None:
    stack = Stack.from_env()
    rows = []
    for svc in _services(stack, service):
        done = run_manage(stack, svc, "jobs", "list", "--json")
        if done.returncode != 0:
            raise click.ClickException(f"{svc.name}: {done.stderr.strip()[-500:]}")
        rows += [{"service": svc.name, **r, "last_result": json.dumps(r["last_result"])[:60]}
                 for r in json.loads(done.stdout)]
    click.echo(table(rows))


@job.command("run")
@click.argument("service")
@click.argument("name")
@click.option("--as-of", help="Run as of this date (YYYY-MM-DD), for jobs that take one.")
@click.option("--wait", default=300.0, show_default=True, help="Seconds to wait for the worker.")
def job_run(service: str, name: str, as_of: str | None, wait: float) -> None:
    """Run JOB of SERVICE now on its worker (as a beat tick would) and print its result."""
    stack = Stack.from_env()
    [svc] = _services(stack, service)
    done = run_manage(stack, svc, "jobs", "run", name, "--wait", str(wait),
                      *(["--as-of", as_of] if as_of else []))
    click.echo(done.stdout.strip())
    if done.returncode != 0:
        raise click.ClickException(done.stderr.strip()[-1000:] or "the job failed")


@click.group("events", invoke_without_command=True)
@click.pass_context
def events(ctx: click.Context) -> None:
    """Event types: who publishes, who subscribes, the contract's fields."""
    if ctx.invoked_subcommand is not None:
        return
    registry, known = load(), contracts()
    rows = []
    for event_type in sorted(registry.event_types()):
        contract = known.get(event_type)
        publisher = registry.publisher(event_type)
        rows.append({
            "event": event_type,
            "v": contract.version if contract else "-",
            "publisher": publisher.name if publisher else "-",
            "subscribers": ",".join(s.name for s in registry.subscribers(event_type)) or "-",
            "fields": ", ".join(f"{k}: {v}" for k, v in contract.fields().items())
            if contract else "NO CONTRACT",
        })
    click.echo(table(rows))


@events.command("dead")
@click.argument("service", required=False)
def events_dead(service: str | None) -> None:
    """Dead-lettered events (parked or failed for good), newest first."""
    stack = Stack.from_env()
    rows = []
    for svc in _services(stack, service):
        done = run_manage(stack, svc, "events", "dead", "--json")
        if done.returncode != 0:
            raise click.ClickException(f"{svc.name}: {done.stderr.strip()[-500:]}")
        rows += [{"service": svc.name, **r, "error": r["error"][:80]} for r in json.loads(done.stdout)]
    click.echo(table(rows))


@events.command("replay")
@click.argument("event_id")
@click.option("--service", help="The service holding it (default: look in every service).")
def events_replay(event_id: str, service: str | None) -> None:
    """Handle a dead letter again; it stays dead if the handler fails again."""
    stack = Stack.from_env()
    for svc in _services(stack, service):
        done = run_manage(stack, svc, "events", "replay", event_id)
        if done.returncode == 0:
            click.echo(f"{svc.name}: {done.stdout.strip()}")
            return
        if "no dead letter" not in done.stderr:
            raise click.ClickException(f"{svc.name}: {done.stderr.strip()[-800:]}")
    raise click.ClickException(f"no service holds a dead letter {event_id}")


COMMANDS = [job, events]
