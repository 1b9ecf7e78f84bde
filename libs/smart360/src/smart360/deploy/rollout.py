"""Rolling one ECS service to a task definition and watching it until it is really done.

"Done" means: the PRIMARY deployment runs the revision we asked for, its rollout COMPLETED,
no other deployment is left and every desired task runs. A rollout that ECS's circuit breaker
reverted (PRIMARY back on the old revision, or rolloutState FAILED) is a failure, however
healthy the service looks afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smart360.deploy.aws import Console, Pace
from smart360.registry import Role

# Give up before the circuit breaker does when this many new tasks already failed.
MAX_TASK_FAILURES = 3
MIGRATION_CONTAINER = "web"


class RolloutError(RuntimeError):
    pass


def deployment_configuration(role: Role) -> dict[str, Any]:
    """web/worker 100 %/200 % (new tasks start before old ones stop); beat 0 %/100 %."""
    breaker = {"enable": True, "rollback": True}
    if role == "beat":
        return {"minimumHealthyPercent": 0, "maximumPercent": 100,
                "deploymentCircuitBreaker": breaker}
    return {"minimumHealthyPercent": 100, "maximumPercent": 200,
            "deploymentCircuitBreaker": breaker}


def describe(ecs: Any, cluster: str, service_names: list[str]) -> dict[str, dict[str, Any]]:
    """ECS service name -> description, for the ones that exist (10 per call: the API limit)."""
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(service_names), 10):
        reply = ecs.describe_services(cluster=cluster, services=service_names[i:i + 10])
        for svc in reply.get("services", []):
            if svc.get("status") != "INACTIVE":
                found[svc["serviceName"]] = svc
    return found


def primary(service: dict[str, Any]) -> dict[str, Any]:
    for deployment in service.get("deployments", []):
        if deployment.get("status") == "PRIMARY":
            return dict(deployment)
    return {}


def revision(arn: str) -> str:
    """`arn:...:task-definition/cx-web:42` -> `cx-web:42`."""
    return arn.rsplit("/", 1)[-1]


@dataclass
class Watch:
    """State carried between polls: what we already printed."""

    seen_events: set[str] = field(default_factory=set)
    seen_tasks: set[str] = field(default_factory=set)
    failed_tasks: int = 0


def _stopped_task_reasons(ecs: Any, cluster: str, name: str, target: str, watch: Watch,
                          say: Console) -> None:
    arns = ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus="STOPPED")["taskArns"]
    new = [a for a in arns if a not in watch.seen_tasks]
    if not new:
        return
    watch.seen_tasks.update(new)
    for task in ecs.describe_tasks(cluster=cluster, tasks=new[:100]).get("tasks", []):
        if task.get("taskDefinitionArn") != target:
            continue  # old tasks stopping is the rollout doing its job
        details = [f"{c.get('name')}: exit {c.get('exitCode')} {c.get('reason', '')}".strip()
                   for c in task.get("containers", [])]
        health = task.get("healthStatus", "UNKNOWN")
        say(f"  {name}: new task stopped: {task.get('stoppedReason', '?')} "
            f"(health {health}; {'; '.join(details)})")
        watch.failed_tasks += 1


def wait_for(
    ecs: Any, cluster: str, name: str, target: str, *, pace: Pace, say: Console,
    timeout: float, max_task_failures: int = MAX_TASK_FAILURES,
) -> None:
    """Poll until `name` runs only `target`; raise RolloutError on rollback, failure or timeout."""
    watch = Watch()
    deadline = pace.clock() + timeout
    while True:
        service = describe(ecs, cluster, [name]).get(name)
        if service is None:
            raise RolloutError(f"{name}: the ECS service disappeared")
        for event in reversed(service.get("events", [])[:20]):  # newest first in the API
            if event["id"] not in watch.seen_events:
                watch.seen_events.add(event["id"])
                say(f"  {name}: {event['message']}")
        ours = [d for d in service.get("deployments", []) if d.get("taskDefinition") == target]
        for deployment in ours:
            if deployment.get("rolloutState") == "FAILED":
                raise RolloutError(f"{name}: rollout of {revision(target)} FAILED: "
                                   f"{deployment.get('rolloutStateReason', 'no reason given')}")
        head = primary(service)
        if head.get("taskDefinition") != target:
            raise RolloutError(
                f"{name}: ECS rolled back: PRIMARY runs "
                f"{revision(head.get('taskDefinition', '?'))}, not {revision(target)}")
        _stopped_task_reasons(ecs, cluster, name, target, watch, say)
        if watch.failed_tasks >= max_task_failures:
            raise RolloutError(f"{name}: {watch.failed_tasks} new tasks of {revision(target)} "
                               "stopped (see the reasons above)")
        running, desired = head.get("runningCount", 0), head.get("desiredCount", 0)
        done = (head.get("rolloutState", "COMPLETED") == "COMPLETED"
                and len(service.get("deployments", [])) == 1 and running == desired)
        say(f"  {name}: {revision(target)} {head.get('rolloutState', '?')}, "
            f"{running}/{desired} running, {len(service.get('deployments', []))} deployment(s)")
        if done:
            return
        if pace.clock() >= deadline:
            raise RolloutError(f"{name}: not stable after {timeout:.0f}s (timeout)")
        pace.sleep(pace.poll_seconds)


def update(ecs: Any, cluster: str, name: str, role: Role, target: str) -> None:
    ecs.update_service(cluster=cluster, service=name, taskDefinition=target,
                       deploymentConfiguration=deployment_configuration(role))


def run_migrations(
    ecs: Any, cluster: str, task_definition: str, *, pace: Pace, say: Console, timeout: float,
) -> None:
    """One-off task with the new image: `migrate`; raise unless it exits 0."""
    reply = ecs.run_task(
        cluster=cluster, taskDefinition=task_definition, count=1, startedBy="smart360-migrate",
        overrides={"containerOverrides": [{"name": MIGRATION_CONTAINER, "command": ["migrate"]}]},
    )
    if reply.get("failures") or not reply.get("tasks"):
        reasons = "; ".join(f"{f.get('arn', '')} {f.get('reason', '')}".strip()
                            for f in reply.get("failures", [])) or "no task started"
        raise RolloutError(f"migration task did not start: {reasons}")
    task_arn = reply["tasks"][0]["taskArn"]
    say(f"migrations running in {task_arn.rsplit('/', 1)[-1]} ({revision(task_definition)})")
    deadline = pace.clock() + timeout
    while True:
        task = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]
        if task.get("lastStatus") == "STOPPED":
            container: dict[str, Any] = next((c for c in task.get("containers", [])
                              if c.get("name") == MIGRATION_CONTAINER), {})
            code = container.get("exitCode")
            if code == 0:
                say("migrations done (exit 0)")
                return
            raise RolloutError(
                f"migrations failed: exit code {code}, {task.get('stoppedReason', '')} "
                f"{container.get('reason', '')}".strip()
                + " (the task's log stream is in the web log group, prefix `web`)")
        if pace.clock() >= deadline:
            ecs.stop_task(cluster=cluster, task=task_arn, reason="smart360 deploy: timeout")
            raise RolloutError(f"migrations still running after {timeout:.0f}s; task stopped")
        pace.sleep(pace.poll_seconds)
