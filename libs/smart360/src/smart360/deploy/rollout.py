"""Rolling one ECS service to a task definition and watching it until it is really done.

"Done" means: the deployment UpdateService created is PRIMARY, its rollout COMPLETED, no other
deployment is left and every desired task runs. A rollout that ECS's circuit breaker reverted
(another deployment became PRIMARY, or ours is FAILED) is a failure, however healthy the service
looks afterwards.

What real ECS does that a naive watcher gets wrong, and how this one copes:
- Reads are eventually consistent: the first DescribeServices after UpdateService may still show
  the old PRIMARY, and DescribeTasks right after RunTask may answer `failures: MISSING`. The
  wait is keyed on the deployment id UpdateService returned; a PRIMARY created *before* ours is a
  stale read (poll again), one created *after* ours means ECS replaced it (a rollback).
- Stopped tasks stay listed for about an hour. Only tasks whose `startedBy` is our deployment id
  count as failures of this rollout: a rollback to the previous revision must not count the
  tasks the forward rollout just stopped.
- Capacity starvation: tasks that stay PENDING/PROVISIONING, or "unable to place a task" events,
  while the Auto Scaling group is at its maximum never resolve; that fails fast with the reason
  instead of waiting for the timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smart360.deploy.aws import Console, Pace
from smart360.registry import Role

# Give up before the circuit breaker does when this many new tasks already failed.
MAX_TASK_FAILURES = 3
MIGRATION_CONTAINER = "web"
# Polls for which a just-created deployment or task may be invisible (eventual consistency).
MAX_STALE_POLLS = 6
# Tasks pending this long while the ASG is at its maximum will not be placed.
PLACEMENT_GRACE_SECONDS = 120
UNPLACEABLE = "unable to place a task"
DESCRIBE_TASKS_BATCH = 100  # DescribeTasks takes at most 100 ARNs
DESCRIBE_SERVICES_BATCH = 10


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
    for i in range(0, len(service_names), DESCRIBE_SERVICES_BATCH):
        reply = ecs.describe_services(cluster=cluster,
                                      services=service_names[i:i + DESCRIBE_SERVICES_BATCH])
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


def list_task_arns(ecs: Any, cluster: str, **filters: Any) -> list[str]:
    """ListTasks, every page (100 per page)."""
    arns: list[str] = []
    for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, **filters):
        arns += page.get("taskArns", [])
    return arns


def describe_tasks(ecs: Any, cluster: str, arns: list[str]) -> Iterator[dict[str, Any]]:
    """DescribeTasks in batches of 100; tasks ECS does not know (yet) are skipped."""
    for i in range(0, len(arns), DESCRIBE_TASKS_BATCH):
        reply = ecs.describe_tasks(cluster=cluster, tasks=arns[i:i + DESCRIBE_TASKS_BATCH])
        yield from reply.get("tasks", [])


@dataclass(frozen=True)
class Started:
    """The deployment to watch: what UpdateService answered (or the PRIMARY we wait on)."""

    service: str
    target: str
    deployment_id: str
    created_at: datetime


def update(ecs: Any, cluster: str, name: str, role: Role, target: str) -> Started:
    """UpdateService to `target`; its answer names the new PRIMARY deployment we then watch."""
    reply = ecs.update_service(cluster=cluster, service=name, taskDefinition=target,
                               deploymentConfiguration=deployment_configuration(role))["service"]
    head = primary(reply)
    if not head.get("id") or head.get("taskDefinition") != target:
        raise RolloutError(f"{name}: UpdateService answered no PRIMARY deployment of "
                           f"{revision(target)}")
    return Started(name, target, head["id"], head["createdAt"])


def current(service: dict[str, Any]) -> Started:
    """Watch the PRIMARY deployment a service already has (ECS rolled it back by itself)."""
    head = primary(service)
    return Started(service["serviceName"], head["taskDefinition"], head["id"], head["createdAt"])


# Answers "is the cluster out of room?" with a description when the ASG is at its maximum.
CapacityProbe = Callable[[], "str | None"]


@dataclass
class Watch:
    """State carried between polls: what we already printed and counted."""

    seen_events: set[str] = field(default_factory=set)
    seen_tasks: set[str] = field(default_factory=set)
    failed_tasks: int = 0
    stale_polls: int = 0
    unplaceable: str = ""
    pending_since: float | None = None


def _new_events(service: dict[str, Any], started: Started, watch: Watch) -> list[str]:
    """Messages of events since our deployment began, oldest first (the API lists newest first)."""
    out = []
    for event in reversed(service.get("events", [])[:50]):
        if event["id"] in watch.seen_events:
            continue
        watch.seen_events.add(event["id"])
        if event.get("createdAt") is not None and event["createdAt"] < started.created_at:
            continue
        out.append(str(event["message"]))
    return out


def _stopped_tasks(ecs: Any, cluster: str, started: Started, watch: Watch, say: Console) -> None:
    """Report and count the stopped tasks that this deployment started (startedBy = its id)."""
    arns = list_task_arns(ecs, cluster, serviceName=started.service, desiredStatus="STOPPED")
    new = [a for a in arns if a not in watch.seen_tasks]
    if not new:
        return
    watch.seen_tasks.update(new)
    for task in describe_tasks(ecs, cluster, new):
        if task.get("startedBy") != started.deployment_id:
            continue  # an older deployment's task (listed for an hour after it stopped)
        details = [f"{c.get('name')}: exit {c.get('exitCode')} {c.get('reason', '')}".strip()
                   for c in task.get("containers", [])]
        say(f"  {started.service}: new task stopped: {task.get('stoppedReason', '?')} "
            f"(health {task.get('healthStatus', 'UNKNOWN')}; {'; '.join(details)})")
        watch.failed_tasks += 1


def _starved(ours: dict[str, Any], watch: Watch, now: float) -> str:
    """Why placement looks stuck ("" when it does not): an event, or tasks pending too long."""
    if watch.unplaceable:
        return watch.unplaceable
    waiting = ours.get("runningCount", 0) < ours.get("desiredCount", 0)
    if waiting and ours.get("pendingCount", 0) > 0:
        if watch.pending_since is None:
            watch.pending_since = now
        elif now - watch.pending_since >= PLACEMENT_GRACE_SECONDS:
            return (f"{ours['pendingCount']} task(s) still PROVISIONING/PENDING after "
                    f"{now - watch.pending_since:.0f}s")
    else:
        watch.pending_since = None
    return ""


def _locate(service: dict[str, Any], started: Started, watch: Watch) -> dict[str, Any] | None:
    """Our deployment, None for a stale read; raise when ECS replaced it."""
    deployments = service.get("deployments", [])
    ours = next((d for d in deployments if d.get("id") == started.deployment_id), None)
    head = primary(service)
    if ours is None:
        if head and head.get("createdAt") and head["createdAt"] > started.created_at:
            raise RolloutError(
                f"{started.service}: ECS rolled back: PRIMARY runs "
                f"{revision(head.get('taskDefinition', '?'))}, not {revision(started.target)}")
        watch.stale_polls += 1
        if watch.stale_polls > MAX_STALE_POLLS:
            raise RolloutError(f"{started.service}: deployment {started.deployment_id} never "
                               "appeared in DescribeServices")
        return None
    if ours.get("rolloutState") == "FAILED":
        raise RolloutError(f"{started.service}: rollout of {revision(started.target)} FAILED: "
                           f"{ours.get('rolloutStateReason', 'no reason given')}")
    if ours.get("status") != "PRIMARY":
        raise RolloutError(
            f"{started.service}: ECS rolled back: PRIMARY runs "
            f"{revision(head.get('taskDefinition', '?'))}, not {revision(started.target)}")
    return ours


def wait_for(
    ecs: Any, cluster: str, started: Started, *, pace: Pace, say: Console, timeout: float,
    capacity: CapacityProbe | None = None, max_task_failures: int = MAX_TASK_FAILURES,
) -> None:
    """Poll until `started` is the only deployment, complete; raise RolloutError otherwise."""
    name = started.service
    watch = Watch()
    deadline = pace.clock() + timeout
    while True:
        service = describe(ecs, cluster, [name]).get(name)
        if service is None:
            raise RolloutError(f"{name}: the ECS service disappeared")
        for message in _new_events(service, started, watch):
            say(f"  {name}: {message}")
            if UNPLACEABLE in message:
                watch.unplaceable = message
        ours = _locate(service, started, watch)
        if ours is None:
            say(f"  {name}: waiting for ECS to show deployment {started.deployment_id}")
        else:
            _stopped_tasks(ecs, cluster, started, watch, say)
            if watch.failed_tasks >= max_task_failures:
                raise RolloutError(f"{name}: {watch.failed_tasks} new tasks of "
                                   f"{revision(started.target)} stopped (see the reasons above)")
            running, desired = ours.get("runningCount", 0), ours.get("desiredCount", 0)
            count = len(service.get("deployments", []))
            say(f"  {name}: {revision(started.target)} {ours.get('rolloutState', '?')}, "
                f"{running}/{desired} running, {count} deployment(s)")
            if ours.get("rolloutState", "COMPLETED") == "COMPLETED" and count == 1 \
                    and running == desired:
                return
            reason = _starved(ours, watch, pace.clock())
            if reason and capacity is not None:
                full = capacity()
                if full:
                    raise RolloutError(f"{name}: cannot place tasks: {reason}; {full}")
                watch.unplaceable = ""  # the capacity provider is still adding instances
        if pace.clock() >= deadline:
            raise RolloutError(f"{name}: not stable after {timeout:.0f}s (timeout)")
        pace.sleep(pace.poll_seconds)


def asg_probe(ecs: Any, autoscaling: Any, cluster: str) -> CapacityProbe:
    """A probe that finds the cluster's capacity-provider ASGs and says when all are at max."""

    def probe() -> str | None:
        found = ecs.describe_clusters(clusters=[cluster]).get("clusters", [])
        providers = found[0].get("capacityProviders", []) if found else []
        if not providers:
            return None
        reply = ecs.describe_capacity_providers(capacityProviders=providers)
        asg_names = [p["autoScalingGroupProvider"]["autoScalingGroupArn"].rsplit("/", 1)[-1]
                     for p in reply.get("capacityProviders", [])
                     if p.get("autoScalingGroupProvider")]
        if not asg_names:
            return None
        groups = autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=asg_names)["AutoScalingGroups"]
        if groups and all(g["DesiredCapacity"] >= g["MaxSize"] for g in groups):
            sizes = ", ".join(f"{g['AutoScalingGroupName']} {g['DesiredCapacity']}/"
                              f"{g['MaxSize']}" for g in groups)
            return f"the Auto Scaling group is at its maximum ({sizes}): raise [cluster.asg] max"
        return None

    return probe


def run_migrations(
    ecs: Any, cluster: str, task_definition: str, *, pace: Pace, say: Console, timeout: float,
    network: dict[str, Any] | None = None, container: str = MIGRATION_CONTAINER,
    command: list[str] | None = None, started_by: str = "smart360-migrate",
) -> None:
    """One-off task with the new image (`migrate` by default); raise unless it exits 0."""
    extra = {"networkConfiguration": network} if network else {}
    reply = ecs.run_task(
        cluster=cluster, taskDefinition=task_definition, count=1, startedBy=started_by,
        overrides={"containerOverrides": [{"name": container, "command": command or ["migrate"]}]},
        **extra,
    )
    if reply.get("failures") or not reply.get("tasks"):
        reasons = "; ".join(f"{f.get('arn', '')} {f.get('reason', '')}".strip()
                            for f in reply.get("failures", [])) or "no task started"
        raise RolloutError(f"one-off task did not start: {reasons}")
    task_arn = reply["tasks"][0]["taskArn"]
    what = " ".join(command) if command else "migrations"
    say(f"{what} running in {task_arn.rsplit('/', 1)[-1]} ({revision(task_definition)})")
    deadline = pace.clock() + timeout
    missing = 0
    while True:
        answer = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])
        tasks = answer.get("tasks", [])
        if not tasks:  # `failures: MISSING` right after RunTask: not visible yet
            missing += 1
            if missing > MAX_STALE_POLLS:
                raise RolloutError(f"{what}: task {task_arn} never became visible "
                                   f"({answer.get('failures')})")
        elif tasks[0].get("lastStatus") == "STOPPED":
            task = tasks[0]
            box: dict[str, Any] = next((c for c in task.get("containers", [])
                                        if c.get("name") == container), {})
            code = box.get("exitCode")
            if code == 0:
                say(f"{what} done (exit 0)")
                return
            raise RolloutError(
                f"{what} failed: exit code {code}, {task.get('stoppedReason', '')} "
                f"{box.get('reason', '')}".strip()
                + f" (the task's log stream is in the {container} log group, prefix "
                f"`{container}`)")
        if pace.clock() >= deadline:
            ecs.stop_task(cluster=cluster, task=task_arn, reason="smart360: timeout")
            raise RolloutError(f"{what} still running after {timeout:.0f}s; task stopped")
        pace.sleep(pace.poll_seconds)
