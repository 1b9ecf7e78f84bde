"""deploy, diff, rollback and scale: what the CLI commands do, with injectable clients."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smart360.deploy import names, preflight, render, rollout, taskdefs
from smart360.deploy.aws import AWS_ERRORS, Clients, Console, Pace, describe_error
from smart360.deploy.names import Environment
from smart360.deploy.validate import ValidationError, validate
from smart360.registry import ROLES, Registry, Role, Service

# Workers first: they must understand new messages before the new web code sends them.
# Beat last: it only enqueues, and must not schedule tasks the workers do not know yet.
ROLL_ORDER: tuple[Role, ...] = ("worker", "web", "beat")
ROLLBACK_ORDER: tuple[Role, ...] = tuple(reversed(ROLL_ORDER))
# A rollout that went wrong, or AWS that answered with an error mid-way: both mean roll back.
ROLLOUT_FAILURES: tuple[type[Exception], ...] = (rollout.RolloutError, *AWS_ERRORS)


class DeployError(RuntimeError):
    """The deployment did not happen, or was rolled back. Exit non-zero."""


@dataclass
class Target:
    """Where a command acts: the registry, an environment, the repository and AWS."""

    registry: Registry
    env: Environment
    root: Path
    clients: Clients
    pace: Pace
    say: Console

    @property
    def cluster(self) -> str:
        return self.env.cluster

    def account(self) -> str:
        return str(self.clients.sts.get_caller_identity()["Account"])


def load_documents(t: Target, service: Service, image: str, account: str
                   ) -> dict[Role, dict[str, Any]]:
    """The committed templates (which must equal the generator's), filled in and validated."""
    generated = render.files(t.registry)
    wanted = [render.task_definition_path(names.family(service, r)) for r in ROLES]
    wanted.append(render.env_file_path(t.env.name, service.name))
    drifted = [p for p in render.drift(t.root, {p: generated[p] for p in wanted})
               if p in wanted]
    if drifted:
        raise DeployError(f"committed files differ from the registry: {', '.join(drifted)}; "
                          "run `smart360 render` and commit")
    env_vars = taskdefs.parse_env_file(
        (t.root / render.env_file_path(t.env.name, service.name)).read_text())
    documents = {}
    for role in ROLES:
        path = t.root / render.task_definition_path(names.family(service, role))
        document = taskdefs.materialize(json.loads(path.read_text()), env_vars=env_vars,
                                        account=account, cluster=t.cluster, image=image)
        try:
            validate(document, service)
        except ValidationError as exc:
            raise DeployError(f"{path.name} is invalid:\n{exc}") from exc
        documents[role] = document
    return documents


def deploy(t: Target, service_name: str, tag: str, *, timeout: float = 900,
           migrate: bool = True) -> dict[Role, str]:
    """Render, validate, preflight, migrate, roll worker/web/beat; roll back on any failure.

    Any AWS error on the way (throttling past the retries, expired credentials, AccessDenied)
    is a failure like a bad rollout: what was changed is put back and the command exits 1.
    """
    svc = t.registry.service(service_name)
    say = t.say
    try:
        account = t.account()
        image = names.image_uri(t.registry, svc, tag, account)
        say(f"deploying {svc.name} {tag} to {t.cluster} ({t.env.name}) as {image}")
        documents = load_documents(t, svc, image, account)
        say("task definitions rendered and valid (botocore RegisterTaskDefinition shape)")
        all_names = [names.family(s, r) for s in t.registry.services.values() for r in ROLES]
        live = rollout.describe(t.clients.ecs, t.cluster, all_names)
        _preflight(t, svc, tag, list(documents.values()), live)
    except AWS_ERRORS as exc:
        raise DeployError(f"AWS error before anything changed: {describe_error(exc)}") from exc
    own = {role: names.family(svc, role) for role in ROLES}
    missing = [n for n in own.values() if n not in live]
    if missing:
        raise DeployError(f"ECS services missing in {t.cluster}: {', '.join(missing)} "
                          "(first deploy of an environment: `smart360 bootstrap-aws`, then the "
                          "services stack; see docs/deploying.md)")
    previous = {role: live[own[role]]["taskDefinition"] for role in ROLES}
    registered = register_and_migrate(t, svc, documents, previous=previous, migrate=migrate,
                                      timeout=timeout)

    updated: list[Role] = []
    try:
        for role in ROLL_ORDER:
            say(f"rolling {own[role]} to {rollout.revision(registered[role])}")
            updated.append(role)
            started = rollout.update(t.clients.ecs, t.cluster, own[role], role, registered[role])
            rollout.wait_for(t.clients.ecs, t.cluster, started, pace=t.pace, say=say,
                             timeout=timeout, capacity=_capacity_probe(t))
        _verify(t, own, registered)
    except ROLLOUT_FAILURES as exc:
        reason = str(exc) if isinstance(exc, rollout.RolloutError) else \
            f"AWS error: {describe_error(exc)}"
        say(f"FAILED: {reason}")
        restored = _roll_back(t, own, previous, updated, timeout)
        if restored:
            # Never leave a failed revision ACTIVE: `rollback` (and a service that falls back
            # on its family's latest ACTIVE revision) must not return to it.
            _deregister(t, registered)
            state = "rolled back to the previous revisions; the failed revisions are deregistered"
        else:
            state = "ROLLBACK INCOMPLETE: check the services by hand (smart360 diff / rollback)"
        raise DeployError(f"deploy of {svc.name} {tag} failed: {reason}; {state}") from exc
    say(f"deployed {svc.name} {tag}: " + ", ".join(rollout.revision(a)
                                                   for a in registered.values()))
    return registered


def register_and_migrate(t: Target, svc: Service, documents: dict[Role, dict[str, Any]], *,
                         previous: dict[Role, str] | None = None, migrate: bool = True,
                         timeout: float = 900) -> dict[Role, str]:
    """Register the three revisions and run `migrate` in the new web revision.

    On failure the revisions registered so far are deregistered; nothing else changed.
    """
    registered: dict[Role, str] = {}
    try:
        for role in ROLES:
            arn = t.clients.ecs.register_task_definition(**documents[role])["taskDefinition"][
                "taskDefinitionArn"]
            registered[role] = arn
            was = f" (was {rollout.revision(previous[role])})" if previous else ""
            t.say(f"registered {rollout.revision(arn)}{was}")
        if migrate:
            rollout.run_migrations(t.clients.ecs, t.cluster, registered["web"], pace=t.pace,
                                   say=t.say, timeout=timeout)
    except ROLLOUT_FAILURES as exc:
        reason = str(exc) if isinstance(exc, rollout.RolloutError) else \
            f"AWS error: {describe_error(exc)}"
        try:
            _deregister(t, registered)
        except AWS_ERRORS as cleanup:
            reason += f" (and deregistering the new revisions failed: {describe_error(cleanup)})"
        raise DeployError(f"{reason}; nothing was rolled (services still run the previous "
                          "revisions)") from exc
    return registered


def _capacity_probe(t: Target) -> rollout.CapacityProbe | None:
    if t.clients.autoscaling is None:
        return None
    return rollout.asg_probe(t.clients.ecs, t.clients.autoscaling, t.cluster)


def _preflight(t: Target, svc: Service, tag: str, documents: list[dict[str, Any]],
               live: dict[str, dict[str, Any]]) -> None:
    problems = preflight.image_problems(t.clients, t.registry, svc, tag)
    problems += preflight.secret_problems(t.clients, documents)
    lines, budget = preflight.connection_problems(t.registry, svc)
    desired = {n: int(s.get("desiredCount", 0)) for n, s in live.items()}
    capacity_lines, capacity = preflight.capacity_problems(t.clients, t.registry, svc, desired,
                                                           cluster=t.cluster)
    for line in ["preflight: database connections", *lines, "preflight: capacity",
                 *capacity_lines]:
        t.say(line)
    problems += budget + capacity
    if problems:
        raise DeployError("preflight failed; nothing was changed:\n  - " + "\n  - ".join(problems))
    t.say("preflight passed: image, secrets, connection budget, capacity")


def _verify(t: Target, own: dict[Role, str], registered: dict[Role, str]) -> None:
    """The last word: every PRIMARY deployment runs the revision we registered."""
    live = rollout.describe(t.clients.ecs, t.cluster, list(own.values()))
    for role, name in own.items():
        head = rollout.primary(live.get(name, {}))
        if head.get("taskDefinition") != registered[role]:
            raise rollout.RolloutError(
                f"{name}: PRIMARY runs {rollout.revision(head.get('taskDefinition', '?'))}, "
                f"not {rollout.revision(registered[role])}")


def _roll_back(t: Target, own: dict[Role, str], previous: dict[Role, str],
               updated: list[Role], timeout: float) -> bool:
    """Put the roles we touched back, in reverse order; True when every one settled."""
    ok = True
    for role in reversed(updated):
        name, target = own[role], previous[role]
        try:
            service = rollout.describe(t.clients.ecs, t.cluster, [name]).get(name, {})
            if rollout.primary(service).get("taskDefinition") == target:
                t.say(f"{name}: already back on {rollout.revision(target)} (ECS circuit breaker)")
                started = rollout.current(service)
            else:
                t.say(f"{name}: rolling back to {rollout.revision(target)}")
                started = rollout.update(t.clients.ecs, t.cluster, name, role, target)
            rollout.wait_for(t.clients.ecs, t.cluster, started, pace=t.pace, say=t.say,
                             timeout=timeout)
        except ROLLOUT_FAILURES as exc:
            t.say(f"{name}: rollback did not settle: {exc}")
            ok = False
    return ok


def _deregister(t: Target, registered: dict[Role, str]) -> None:
    for role in ROLES:  # never used again: keep `previous revision` meaningful
        if role in registered:
            t.clients.ecs.deregister_task_definition(taskDefinition=registered[role])


# -- rollback ------------------------------------------------------------------------------

def previous_revision(ecs: Any, family: str, current: str) -> str:
    """The newest ACTIVE revision of `family` older than `current`."""
    current_number = int(current.rsplit(":", 1)[-1])
    arns: list[str] = []
    for page in ecs.get_paginator("list_task_definitions").paginate(
            familyPrefix=family, status="ACTIVE", sort="DESC"):
        arns += page["taskDefinitionArns"]
    older = [a for a in arns if rollout.revision(a).rsplit(":", 1)[0] == family
             and int(a.rsplit(":", 1)[-1]) < current_number]
    if not older:
        raise DeployError(f"{family}: no ACTIVE revision older than {rollout.revision(current)}")
    return max(older, key=lambda a: int(a.rsplit(":", 1)[-1]))


def rollback(t: Target, service_name: str, *, timeout: float = 900) -> dict[Role, str]:
    """Put every role of a service back on the revision before the one it runs now.

    Beat first (it stops scheduling what the older workers may not know), then web, then the
    workers: the reverse of a deploy. The revisions rolled away from are deregistered once
    every role settled, so neither a later rollback nor ECS returns to them.
    """
    svc = t.registry.service(service_name)
    own = {role: names.family(svc, role) for role in ROLES}
    try:
        live = rollout.describe(t.clients.ecs, t.cluster, list(own.values()))
        targets, leaving = {}, {}
        for role in ROLLBACK_ORDER:
            if own[role] not in live:
                raise DeployError(f"ECS service {own[role]} does not exist in {t.cluster}")
            current = rollout.primary(live[own[role]]).get("taskDefinition") or \
                live[own[role]]["taskDefinition"]
            leaving[role] = current
            targets[role] = previous_revision(t.clients.ecs, own[role], current)
            t.say(f"{own[role]}: {rollout.revision(current)} -> "
                  f"{rollout.revision(targets[role])}")
    except AWS_ERRORS as exc:
        raise DeployError(f"AWS error before anything changed: {describe_error(exc)}") from exc
    failures = []
    for role in ROLLBACK_ORDER:
        try:
            started = rollout.update(t.clients.ecs, t.cluster, own[role], role, targets[role])
            rollout.wait_for(t.clients.ecs, t.cluster, started, pace=t.pace, say=t.say,
                             timeout=timeout, capacity=_capacity_probe(t))
        except ROLLOUT_FAILURES as exc:
            failures.append(str(exc))
    if failures:
        raise DeployError("rollback incomplete: " + "; ".join(failures))
    try:
        _deregister(t, leaving)
    except AWS_ERRORS as exc:
        t.say(f"warning: could not deregister the revisions rolled away from: "
              f"{describe_error(exc)}")
    t.say(f"rolled back {svc.name}")
    return targets


# -- scale -----------------------------------------------------------------------------------

def scale(t: Target, service_name: str, role: Role, count: int) -> None:
    svc = t.registry.service(service_name)
    spec = svc.roles[role]
    if role == "beat" and count != 1:
        raise DeployError("beat runs exactly one task: two would fire every schedule twice, "
                          "none would fire nothing")
    if not spec.min_tasks <= count <= spec.max_tasks:
        raise DeployError(f"{svc.name} {role}: {count} is outside the registry's bounds "
                          f"{spec.min_tasks}..{spec.max_tasks} (change services.toml first)")
    name = names.family(svc, role)
    t.clients.ecs.update_service(cluster=t.cluster, service=name, desiredCount=count)
    t.say(f"{name}: desired count {count}"
          + (" (auto scaling may change it within the registry's bounds)"
             if role != "beat" else ""))


# -- diff ------------------------------------------------------------------------------------

# Fields ECS fills in on its own; never a difference we caused.
_LIVE_ONLY = {"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
              "registeredAt", "registeredBy", "deregisteredAt"}


def _project(expected: Any, live: Any) -> Any:
    """The part of `live` that `expected` talks about (ECS adds defaults we never set)."""
    if isinstance(expected, dict) and isinstance(live, dict):
        return {k: _project(v, live.get(k)) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(live, list):
        if expected and all(isinstance(e, dict) and "name" in e for e in expected):
            by_name = {e.get("name"): e for e in live if isinstance(e, dict)}
            return [_project(e, by_name.get(e["name"])) for e in expected] + \
                [e for e in live if isinstance(e, dict) and e.get("name") not in
                 {x["name"] for x in expected}]
        return [_project(e, lv) for e, lv in zip(expected, live, strict=False)] + live[len(expected):]
    return live


def _normalise(document: dict[str, Any]) -> dict[str, Any]:
    document = {k: v for k, v in document.items() if k not in _LIVE_ONLY and k != "tags"}
    for container in document.get("containerDefinitions", []):
        for key in ("environment", "secrets"):
            if key in container:
                container[key] = sorted(container[key], key=lambda e: e["name"])
        # The image tag is what deploys change; compare the repository only.
        if isinstance(container.get("image"), str):
            container["image"] = container["image"].rsplit(":", 1)[0]
    return document


def diff(t: Target, service_names: list[str] | None = None) -> list[str]:
    """Unified diffs between the repository and the live cluster; empty when in sync."""
    services = [t.registry.service(n) for n in service_names] if service_names else \
        list(t.registry.services.values())
    account = t.account()
    out: list[str] = []
    for svc in services:
        own = {role: names.family(svc, role) for role in ROLES}
        live = rollout.describe(t.clients.ecs, t.cluster, list(own.values()))
        env_vars = taskdefs.environment_variables(t.registry, svc, t.env)
        for role, name in own.items():
            if name not in live:
                out.append(f"--- {name}: ECS service missing in {t.cluster}\n")
                continue
            current = t.clients.ecs.describe_task_definition(
                taskDefinition=live[name]["taskDefinition"])["taskDefinition"]
            image = current["containerDefinitions"][0].get("image", names.IMAGE)
            expected = taskdefs.materialize(
                taskdefs.task_definition(t.registry, svc, role), env_vars=env_vars,
                account=account, cluster=t.cluster, image=image)
            want = _normalise(expected)
            have = _project(want, _normalise(current))
            settings_want = {"deploymentConfiguration": rollout.deployment_configuration(role)}
            settings_have = _project(settings_want, {
                "deploymentConfiguration": live[name].get("deploymentConfiguration", {})})
            text = _unified(f"{name} (repository)", f"{name} (live "
                            f"{rollout.revision(live[name]['taskDefinition'])})",
                            {"taskDefinition": want, "service": settings_want},
                            {"taskDefinition": have, "service": settings_have})
            if text:
                out.append(text)
    return out


def _unified(a: str, b: str, left: Any, right: Any) -> str:
    lines = difflib.unified_diff(
        json.dumps(left, indent=2, sort_keys=True).splitlines(keepends=True),
        json.dumps(right, indent=2, sort_keys=True).splitlines(keepends=True),
        fromfile=a, tofile=b)
    return "".join(lines)


# -- bootstrap-aws -------------------------------------------------------------------------

def stack_outputs(t: Target, stack: str) -> dict[str, str]:
    found = t.clients.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}


def bootstrap_aws(t: Target, tag: str, *, timeout: float = 900) -> dict[str, dict[Role, str]]:
    """First deploy of an environment, after the platform stack and before the services stack.

    1. the `db-bootstrap` one-off task creates every service's role and database in RDS;
    2. each service's first three task-definition revisions are registered from bifrost/ and
       its migrations run (exactly `smart360 deploy` up to the roll);
    then `cdk deploy <cluster>-services` creates the ECS services on those revisions.
    Idempotent: run again, it re-sets passwords and registers (and migrates) again.
    """
    from smart360.deploy import taskdefs, validate

    try:
        account = t.account()
        outputs = stack_outputs(t, names.platform_stack(t.cluster))
        first = next(iter(t.registry.services.values()))  # any image has the library
        image = names.image_uri(t.registry, first, tag, account)
        document = taskdefs.bootstrap_task_definition(t.registry, image, account, t.cluster)
        problems = validate.shape_errors(document)
        for svc in t.registry.services.values():
            problems += preflight.image_problems(t.clients, t.registry, svc, tag)
        problems += preflight.secret_problems(t.clients, [document])
        if problems:
            raise DeployError("bootstrap preflight failed; nothing was changed:\n  - "
                              + "\n  - ".join(problems))
        arn = t.clients.ecs.register_task_definition(**document)["taskDefinition"][
            "taskDefinitionArn"]
        t.say(f"registered {rollout.revision(arn)}")
        network = {"awsvpcConfiguration": {
            "subnets": outputs[names.OUTPUT_BOOTSTRAP_SUBNETS].split(","),
            "securityGroups": [outputs[names.OUTPUT_BOOTSTRAP_SECURITY_GROUP]],
            "assignPublicIp": "DISABLED"}}
        try:
            rollout.run_migrations(t.clients.ecs, t.cluster, arn, pace=t.pace, say=t.say,
                                   timeout=timeout, network=network,
                                   container=names.BOOTSTRAP_FAMILY,
                                   command=["python", "-m", "smart360.deploy.dbbootstrap"],
                                   started_by="smart360-bootstrap")
        except rollout.RolloutError as exc:
            raise DeployError(f"database bootstrap failed: {exc}") from exc
    except AWS_ERRORS as exc:
        raise DeployError(f"AWS error: {describe_error(exc)}") from exc
    registered = {}
    for svc in t.registry.services.values():
        image = names.image_uri(t.registry, svc, tag, account)
        documents = load_documents(t, svc, image, account)
        registered[svc.name] = register_and_migrate(t, svc, documents, timeout=timeout)
    t.say(f"bootstrapped {t.cluster}: databases, first revisions, migrations. Next: "
          f"`cdk deploy {names.services_stack(t.cluster)}`, then `smart360 smoke --env "
          f"{t.env.name}`")
    return registered
