"""`smart360 cloudwatch-config`: the production metrics configuration, rendered from the registry."""

from __future__ import annotations

import json

import click
import yaml

from smart360.registry import ROLES, load


@click.command("cloudwatch-config")
@click.option("--part", type=click.Choice(["agent", "scrape", "containers"]), default="agent",
              show_default=True, help="The agent's JSON (CW_CONFIG_CONTENT), its Prometheus "
              "scrape YAML (PROMETHEUS_CONFIG_CONTENT), or each container's labels and environment.")
def cloudwatch_config(part: str) -> None:
    """How the CloudWatch agent finds, scrapes and publishes every process's /metrics on ECS."""
    from smart360.observability import cloudwatch

    registry = load()
    if part == "agent":
        click.echo(json.dumps(cloudwatch.agent_config(registry), indent=2))
    elif part == "scrape":
        click.echo(yaml.safe_dump(cloudwatch.scrape_config(), sort_keys=False), nl=False)
    else:
        containers = {f"{svc.name}-{role}": cloudwatch.container_settings(svc, role)
                      for svc in registry.services.values() for role in ROLES}
        click.echo(json.dumps(containers, indent=2))


COMMANDS = [cloudwatch_config]
