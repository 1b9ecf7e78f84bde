"""The deployment commands of the `smart360` CLI (registered at the end of smart360/cli.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from smart360.deploy import names
from smart360.registry import ROLES, load

ENV_OPTION = click.option("--env", "env_name", default="prod", show_default=True,
                          type=click.Choice(["prod", "staging"]), help="Target environment.")


def _target(env_name: str):  # type: ignore[no-untyped-def]
    from smart360.deploy.aws import Clients, Console, Pace
    from smart360.deploy.operations import Target

    registry = load()
    pace = Pace()
    return Target(registry=registry, env=names.environment(registry, env_name),
                  root=registry.root, clients=Clients.create(registry.cluster.region),
                  pace=pace, say=Console(pace))


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(1)


@click.command()
@click.option("--check", is_flag=True, help="Only report files that differ; exit 1 if any.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write under this folder instead of the repository root.")
def render(check: bool, root: Path | None) -> None:
    """Generate bifrost/ (task definitions, env files) and docker/ (compose) from the registry."""
    from smart360.deploy import render as rendering

    registry = load()
    root = root or registry.root
    generated = rendering.files(registry)
    if check:
        drifted = rendering.drift(root, generated)
        for rel in drifted:
            click.echo(f"differs: {rel}")
        if drifted:
            click.echo("run `smart360 render` and commit the result", err=True)
            sys.exit(1)
        click.echo(f"{len(generated)} generated files match the registry")
        return
    written = rendering.write(root, generated)
    click.echo(f"{len(generated)} files generated, {len(written)} changed")
    for path in written:
        click.echo(f"  {path.relative_to(root)}")


@click.command()
@click.argument("service")
@click.option("--image", "tag", required=True, help="Image tag already pushed to ECR.")
@ENV_OPTION
@click.option("--timeout", default=900, show_default=True, help="Seconds per step.")
@click.option("--skip-migrations", is_flag=True, help="Do not run the migrate task.")
def deploy(service: str, tag: str, env_name: str, timeout: int, skip_migrations: bool) -> None:
    """Deploy SERVICE at image tag TAG: migrate, roll worker/web/beat, roll back on failure."""
    from smart360.deploy.operations import DeployError
    from smart360.deploy.operations import deploy as run_deploy

    try:
        run_deploy(_target(env_name), service, tag, timeout=timeout, migrate=not skip_migrations)
    except DeployError as exc:
        _fail(exc)


@click.command("bootstrap-aws")
@click.option("--image", "tag", required=True, help="Image tag already pushed for every service.")
@ENV_OPTION
@click.option("--timeout", default=900, show_default=True, help="Seconds per one-off task.")
def bootstrap_aws(tag: str, env_name: str, timeout: int) -> None:
    """First deploy of an environment: RDS roles/databases, first revisions, migrations."""
    from smart360.deploy.operations import DeployError
    from smart360.deploy.operations import bootstrap_aws as run_bootstrap

    try:
        run_bootstrap(_target(env_name), tag, timeout=timeout)
    except DeployError as exc:
        _fail(exc)


@click.command()
@click.argument("service", required=False)
@ENV_OPTION
def diff(service: str | None, env_name: str) -> None:
    """Repository vs live task definitions and service settings (exit 1 when they differ)."""
    from smart360.deploy.operations import diff as run_diff

    differences = run_diff(_target(env_name), [service] if service else None)
    for text in differences:
        click.echo(text)
    if differences:
        sys.exit(1)
    click.echo("live services match the repository (desired counts ignored)")


@click.command()
@click.argument("service")
@ENV_OPTION
@click.option("--timeout", default=900, show_default=True)
def rollback(service: str, env_name: str, timeout: int) -> None:
    """Put SERVICE's web, worker and beat back on their previous task definition revisions."""
    from smart360.deploy.operations import DeployError
    from smart360.deploy.operations import rollback as run_rollback

    try:
        run_rollback(_target(env_name), service, timeout=timeout)
    except DeployError as exc:
        _fail(exc)


@click.command()
@click.argument("service")
@click.argument("role", type=click.Choice(ROLES))
@click.argument("count", type=int)
@ENV_OPTION
def scale(service: str, role: str, count: int, env_name: str) -> None:
    """Set the desired task count of SERVICE's ROLE (beat is always 1)."""
    from smart360.deploy.operations import DeployError
    from smart360.deploy.operations import scale as run_scale

    try:
        run_scale(_target(env_name), service, role, count)  # type: ignore[arg-type]
    except DeployError as exc:
        _fail(exc)


@click.command("changed-services")
@click.option("--since", default=None, help="Git ref of the last deployed commit.")
@click.option("--all", "everything", is_flag=True, help="Every service in the registry.")
def changed_services(since: str | None, everything: bool) -> None:
    """Services whose image a change since REF affects, one per line (library = all)."""
    from smart360.deploy.changes import changed_paths, services_for_paths

    registry = load()
    if everything or not since:
        if not everything:
            raise click.UsageError("give --since REF or --all")
        click.echo("\n".join(registry.services))
        return
    try:
        paths = changed_paths(registry.root, since)
    except subprocess.CalledProcessError as exc:
        _fail(RuntimeError(f"git diff failed: {exc.stderr.strip()}"))
        return
    for name in services_for_paths(registry, paths):
        click.echo(name)


@click.command()
@click.option("--base-url", default=None,
              help="The load balancer (default: the environment's public URL).")
@ENV_OPTION
@click.option("--attempts", default=5, show_default=True)
def smoke(base_url: str | None, env_name: str, attempts: int) -> None:
    """GET every service's /<name>/readyz through the load balancer; exit 1 unless all 200."""
    from smart360.deploy.smoke import smoke as run_smoke

    registry = load()
    base_url = base_url or names.environment(registry, env_name).gateway_url
    results = run_smoke(registry, base_url, attempts=attempts)
    for name, status, detail in results:
        click.echo(f"{name:<14} {status if status is not None else 'ERR':<4} {detail[:80]}")
    bad = [name for name, status, _ in results if status != 200]
    if bad:
        _fail(RuntimeError(f"not ready: {', '.join(bad)}"))
    click.echo(f"all {len(results)} services ready")


@click.command("compose-env")
def compose_env() -> None:
    """Generate docker/.env: random dev-only secrets for `docker compose -f docker/compose.yaml`."""
    from smart360.deploy.compose import write_dev_env

    registry = load()
    path, added = write_dev_env(registry, registry.root)
    click.echo(f"{path.relative_to(registry.root)}: {len(added)} value(s) generated"
               + (f" ({', '.join(added)})" if added else ", all already there"))


@click.command()
@click.argument("message")
@click.option("--webhook", envvar="SMART360_NOTIFY_WEBHOOK", default=None,
              help="Chat webhook URL (env SMART360_NOTIFY_WEBHOOK); without one, only printed.")
def notify(message: str, webhook: str | None) -> None:
    """Tell the team how the pipeline went."""
    from smart360.deploy.notify import notify as post

    click.echo(message)
    if not post(message, webhook):
        click.echo("(no SMART360_NOTIFY_WEBHOOK: printed only)")


@click.command()
@click.argument("role", type=click.Choice(ROLES))
def health(role: str) -> None:
    """Container health check of this process (what ECS and compose run)."""
    from smart360.deploy.healthcheck import main

    sys.exit(main([role]))


@click.group()
def image() -> None:
    """Build and push service images (docker/Dockerfile)."""


@image.command("build")
@click.argument("services", nargs=-1, required=True)
@click.option("--tag", required=True)
@click.option("--dry-run", is_flag=True, help="Print the commands only.")
def image_build(services: tuple[str, ...], tag: str, dry_run: bool) -> None:
    from smart360.deploy.images import build_command

    registry = load()
    for name in services:
        command = build_command(registry.root, registry.service(name), tag)
        click.echo(" ".join(command))
        if not dry_run:
            subprocess.run(command, check=True)


@image.command("push")
@click.argument("services", nargs=-1, required=True)
@click.option("--tag", required=True)
@click.option("--dry-run", is_flag=True, help="Print the commands only.")
def image_push(services: tuple[str, ...], tag: str, dry_run: bool) -> None:
    import boto3

    from smart360.deploy.images import architecture_problem, ecr_login, push_commands, tag_exists

    registry = load()
    session = boto3.session.Session(region_name=registry.cluster.region)
    account = "${AWS_ACCOUNT_ID}" if dry_run else \
        session.client("sts").get_caller_identity()["Account"]
    ecr = None if dry_run else session.client("ecr")
    if ecr is not None:
        ecr_login(ecr)
    for name in services:
        svc = registry.service(name)
        if ecr is not None and tag_exists(ecr, registry, svc, tag):
            click.echo(f"{name}: {tag} already in ECR (tags are immutable): skipped")
            continue
        if not dry_run:
            problem = architecture_problem(svc, tag)
            if problem:
                _fail(RuntimeError(problem))
        for command in push_commands(registry, svc, tag, account):
            click.echo(" ".join(command))
            if not dry_run:
                subprocess.run(command, check=True)


COMMANDS = [render, deploy, bootstrap_aws, diff, rollback, scale, changed_services, smoke, notify, health,
            image, compose_env]
