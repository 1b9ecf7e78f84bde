"""The `smart360` command: the registry, the local stack, code generation and deployment."""

from __future__ import annotations

import json
import sys

import click

from smart360.registry import RegistryError, load
from smart360.text import table


@click.group()
def main() -> None:
    """Smart360 platform tooling. Everything per service comes from services.toml."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def services(as_json: bool) -> None:
    """Print the service registry."""
    registry = load()
    rows = []
    for svc in registry.services.values():
        web, worker = svc.web(), svc.worker()
        rows.append({
            "service": svc.name,
            "prefix": svc.prefix,
            "local_port": svc.local_port,
            "database": svc.database,
            "db_role": svc.db_role,
            "queues": ",".join(svc.queues),
            "web": f"{web.cpu}/{web.memory} {web.min_tasks}-{web.max_tasks}",
            "worker": f"{worker.cpu}/{worker.memory} {worker.min_tasks}-{worker.max_tasks}",
            "beat": f"{svc.beat().cpu}/{svc.beat().memory} 1",
            "health": svc.health_path,
            "publishes": len(svc.publishes),
            "subscribes": len(svc.subscribes),
        })
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(table(rows))
    asg = registry.cluster.asg
    click.echo(
        f"\ncluster {registry.cluster.name} ({registry.cluster.region}): ASG min {asg.min} / "
        f"max {asg.max} / desired {asg.desired}, warm-up {asg.instance_warmup_seconds}s, "
        f"CPU target {asg.cpu_target_percent}%, on-demand only: {asg.on_demand_only}, "
        f"multi-AZ: {asg.multi_az}  (cpu/memory in ECS units/MiB, tasks min-max)"
    )


@main.command("new-service")
@click.argument("name")
@click.option("--description", default="", help="One line: what the service owns.")
@click.option("--module", default="records", show_default=True,
              help="Its first app and permission module (plural: records, meters, ...).")
def new_service(name: str, description: str, module: str) -> None:
    """Scaffold a new service: a registry entry plus services/NAME/ in the shared pattern."""
    from smart360 import scaffold

    try:
        written = scaffold.new_service(load(), name, description or f"The {name} service", module)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"added [services.{name}] to services.toml; next: uv sync --all-packages, "
               f"make test --only {name}, then grow services/{name}/{name}/{module}/")


def run() -> None:
    try:
        main()
    except RegistryError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


# -- registered command groups (one line each; keep this block last) --
from smart360.stack.commands import COMMANDS as _stack_commands  # noqa: E402

for _command in _stack_commands:
    main.add_command(_command)
from smart360.stack.operations import COMMANDS as _ops_commands  # noqa: E402

for _command in _ops_commands:
    main.add_command(_command)
from smart360.console.commands import COMMANDS as _console_commands  # noqa: E402

for _command in _console_commands:
    main.add_command(_command)
from smart360.mail.cli import mail as _mail  # noqa: E402
from smart360.mail.cli import sms as _sms  # noqa: E402

main.add_command(_mail)
main.add_command(_sms)
from smart360.devtools.commands import COMMANDS as _dev_commands  # noqa: E402

for _command in _dev_commands:
    main.add_command(_command)
from smart360.deploy.cli import COMMANDS as _deploy_commands  # noqa: E402

for _command in _deploy_commands:
    main.add_command(_command)
from smart360.observability.commands import COMMANDS as _metrics_commands  # noqa: E402

for _command in _metrics_commands:
    main.add_command(_command)
