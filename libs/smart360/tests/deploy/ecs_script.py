"""A scripted ECS (botocore Stubber): moto does not simulate rollouts, so each test writes the
sequence of answers a real rollout produces.

The answers have the shapes of the real API (botocore's service model: Stubber validates every
response against the operation's output shape, so a field ECS does not return, or a wrong type,
fails the test). What real ECS does and the scripts reproduce:
- UpdateService answers the service with the NEW deployment as PRIMARY (`id`, `createdAt`);
- a circuit-breaker rollback is a NEW deployment (new id, later `createdAt`) of the old
  revision, while ours turns ACTIVE + FAILED;
- tasks a service starts carry `startedBy` = the deployment id; stopped tasks stay listed;
- DescribeTasks right after RunTask may answer `failures: [{reason: MISSING}]`.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from .conftest import ACCOUNT, REGION, td_arn

CLUSTER = "smart360-test"
ROLES = ("web", "worker", "beat")
T0 = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
PROVIDER = "smart360-test-capacity"
ASG_NAME = "smart360-test-CapacityAsg-1ABC"


def task_arn(name: str) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{CLUSTER}/{name}"


class EcsScript:
    def __init__(self, service: str = "demo") -> None:
        self.client = boto3.client("ecs", region_name=REGION)
        self.stub = Stubber(self.client)
        self.service = service
        self.old = {role: td_arn(f"{service}-{role}", 4) for role in ROLES}
        self.new = {role: td_arn(f"{service}-{role}", 5) for role in ROLES}
        self._tick = itertools.count(1)
        # (role, task definition) -> (deployment id, createdAt) of its latest deployment
        self.ids: dict[tuple[str, str], tuple[str, datetime]] = {
            (role, self.old[role]): (f"ecs-svc/100000000000{i}", T0) for i, role in
            enumerate(ROLES)}
        self._events = itertools.count(1)

    def name(self, role: str) -> str:
        return f"{self.service}-{role}"

    def at(self) -> datetime:
        return T0 + timedelta(minutes=next(self._tick))

    # -- shapes ---------------------------------------------------------------------------
    def new_deployment_id(self, role: str, target: str) -> str:
        number = 200000000000 + len(self.ids)
        self.ids[(role, target)] = (f"ecs-svc/{number}", self.at())
        return f"ecs-svc/{number}"

    def dep(self, role: str, target: str, *, status: str = "PRIMARY", rollout: str = "COMPLETED",
            running: int = 1, desired: int = 1, pending: int = 0, failed: int = 0,
            reason: str = "") -> dict[str, Any]:
        ident, created = self.ids[(role, target)]
        body: dict[str, Any] = {
            "id": ident, "status": status, "taskDefinition": target,
            "desiredCount": desired, "pendingCount": pending, "runningCount": running,
            "failedTasks": failed, "createdAt": created, "updatedAt": created,
            "capacityProviderStrategy": [{"capacityProvider": PROVIDER, "weight": 1, "base": 0}],
            "rolloutState": rollout,
        }
        if reason:
            body["rolloutStateReason"] = reason
        return body

    def event(self, message: str, when: datetime | None = None) -> dict[str, Any]:
        return {"id": f"evt-{next(self._events):06d}", "message": message,
                "createdAt": when or self.at()}

    def description(self, role: str, deployments: list[dict[str, Any]],
                    events: list[dict[str, Any]] | None = None, desired: int = 1
                    ) -> dict[str, Any]:
        head = next(d for d in deployments if d["status"] == "PRIMARY")
        return {
            "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/{CLUSTER}/{self.name(role)}",
            "serviceName": self.name(role),
            "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{CLUSTER}",
            "status": "ACTIVE", "taskDefinition": head["taskDefinition"],
            "desiredCount": desired, "runningCount": head["runningCount"],
            "pendingCount": head["pendingCount"], "deployments": deployments,
            "events": list(reversed(events or [])),  # newest first, as ECS lists them
            "schedulingStrategy": "REPLICA",
        }

    # -- steps of a deploy ----------------------------------------------------------------
    def live(self, desired: int = 1, instances: list[tuple[int, int]] | None = None
             ) -> EcsScript:
        """The first describe_services (every role on its old revision), then the capacity
        preflight's container instances (registered CPU, MiB)."""
        services = [self.description(r, [self.dep(r, self.old[r], desired=desired,
                                                  running=desired)], desired=desired)
                    for r in ROLES]
        self.stub.add_response("describe_services", {"services": services, "failures": []},
                               {"cluster": CLUSTER, "services": [self.name(r) for r in ROLES]})
        return self.instances(instances if instances is not None else [(8192, 31000)] * 2)

    def instances(self, registered: list[tuple[int, int]]) -> EcsScript:
        arns = [f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/{CLUSTER}/ci{i}"
                for i in range(len(registered))]
        self.stub.add_response("list_container_instances", {"containerInstanceArns": arns},
                               {"cluster": CLUSTER})
        if arns:
            self.stub.add_response("describe_container_instances", {"containerInstances": [
                {"containerInstanceArn": arn, "ec2InstanceId": f"i-0{i}", "status": "ACTIVE",
                 "registeredResources": [
                     {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
                     {"name": "MEMORY", "type": "INTEGER", "integerValue": mem}]}
                for i, (arn, (cpu, mem)) in enumerate(zip(arns, registered, strict=True))],
                "failures": []}, {"cluster": CLUSTER, "containerInstances": arns})
        return self

    def register(self) -> EcsScript:
        for role in ROLES:
            self.stub.add_response(
                "register_task_definition",
                {"taskDefinition": {"taskDefinitionArn": self.new[role], "family": self.name(role),
                                    "revision": 5, "status": "ACTIVE"}},
                {"family": self.name(role), **{k: ANY for k in (
                    "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities",
                    "cpu", "memory", "containerDefinitions", "tags")}})
        return self

    def migration(self, exit_code: int = 0, polls: int = 1, missing: int = 0) -> EcsScript:
        task = task_arn("migrate1")
        self.stub.add_response(
            "run_task", {"tasks": [{"taskArn": task, "lastStatus": "PROVISIONING",
                                    "startedBy": "smart360-migrate", "createdAt": self.at()}],
                         "failures": []},
            {"cluster": CLUSTER, "taskDefinition": self.new["web"], "count": 1,
             "startedBy": "smart360-migrate",
             "overrides": {"containerOverrides": [{"name": "web", "command": ["migrate"]}]}})
        for _ in range(missing):  # eventual consistency: the task is not visible yet
            self.stub.add_response("describe_tasks", {"tasks": [], "failures": [
                {"arn": task, "reason": "MISSING"}]}, {"cluster": CLUSTER, "tasks": [task]})
        for _ in range(polls):
            self.stub.add_response("describe_tasks", {"tasks": [
                {"taskArn": task, "lastStatus": "RUNNING"}], "failures": []})
        self.stub.add_response("describe_tasks", {"tasks": [{
            "taskArn": task, "lastStatus": "STOPPED", "stopCode": "EssentialContainerExited",
            "stoppedReason": "Essential container in task exited",
            "containers": [{"name": "web", "exitCode": exit_code, "lastStatus": "STOPPED"}]}],
            "failures": []})
        return self

    def deregister(self, revisions: dict[str, str] | None = None) -> EcsScript:
        for role in ROLES:
            arn = (revisions or self.new)[role]
            self.stub.add_response("deregister_task_definition", {"taskDefinition": {
                "taskDefinitionArn": arn, "status": "INACTIVE"}}, {"taskDefinition": arn})
        return self

    def update(self, role: str, target: str | None = None, *, previous: str | None = None
               ) -> EcsScript:
        """UpdateService: the answer carries the new PRIMARY deployment (its id and time)."""
        target = target or self.new[role]
        previous = previous or (self.old[role] if target == self.new[role] else self.new[role])
        self.new_deployment_id(role, target)
        self.seen.clear()  # each wait remembers the stopped tasks it described, afresh
        answer = self.description(role, [
            self.dep(role, target, rollout="IN_PROGRESS", running=0),
            self.dep(role, previous, status="ACTIVE")])
        self.stub.add_response("update_service", {"service": answer}, {
            "cluster": CLUSTER, "service": self.name(role), "taskDefinition": target,
            "deploymentConfiguration": ANY})
        return self

    def poll(self, role: str, deployments: list[dict[str, Any]], *, target: str | None = None,
             events: tuple[str, ...] = (), stopped: tuple[dict[str, Any], ...] = (),
             listed_stopped: bool | None = None, pages: int = 1) -> EcsScript:
        """One describe_services of wait_for, then (when it finds our deployment PRIMARY and
        not FAILED) the stopped-task lookup it makes."""
        target = target or self.new[role]
        evts = [self.event(m) for m in events]
        self.stub.add_response("describe_services", {"services": [
            self.description(role, deployments, evts)], "failures": []},
            {"cluster": CLUSTER, "services": [self.name(role)]})
        ident = self.ids[(role, target)][0]
        ours = next((d for d in deployments if d["id"] == ident), None)
        if listed_stopped is None:
            listed_stopped = ours is not None and ours["status"] == "PRIMARY" \
                and ours["rolloutState"] != "FAILED"
        if listed_stopped:
            self._stopped(role, list(stopped), pages)
        return self

    def look(self, role: str, deployments: list[dict[str, Any]]) -> EcsScript:
        """A bare describe_services (the rollback's "where is it now?"); a wait follows."""
        self.seen.clear()
        self.stub.add_response("describe_services", {"services": [
            self.description(role, deployments)], "failures": []},
            {"cluster": CLUSTER, "services": [self.name(role)]})
        return self

    def _stopped(self, role: str, stopped: list[dict[str, Any]], pages: int = 1) -> None:
        arns = [t["taskArn"] for t in stopped]
        size = max(1, -(-len(arns) // pages))
        chunks = [arns[i:i + size] for i in range(0, len(arns), size)] or [[]]
        for i, chunk in enumerate(chunks):
            params = {"cluster": CLUSTER, "serviceName": self.name(role),
                      "desiredStatus": "STOPPED"}
            answer: dict[str, Any] = {"taskArns": chunk}
            if i:
                params["nextToken"] = f"page{i}"
            if i + 1 < len(chunks):
                answer["nextToken"] = f"page{i + 1}"
            self.stub.add_response("list_tasks", answer, params)
        fresh = [t for t in stopped if t["taskArn"] not in self.seen]
        self.seen.update(t["taskArn"] for t in fresh)
        for i in range(0, len(fresh), 100):
            batch = fresh[i:i + 100]
            self.stub.add_response("describe_tasks", {"tasks": batch, "failures": []},
                                   {"cluster": CLUSTER, "tasks": [t["taskArn"] for t in batch]})

    @property
    def seen(self) -> set[str]:
        if not hasattr(self, "_seen"):
            self._seen: set[str] = set()
        return self._seen

    def rolled(self, role: str, target: str | None = None) -> EcsScript:
        """A rollout that goes straight to COMPLETED."""
        target = target or self.new[role]
        prev = self.old[role] if target == self.new[role] else self.new[role]
        self.update(role, target, previous=prev)
        self.poll(role, [self.dep(role, target, rollout="IN_PROGRESS", running=0, pending=1),
                         self.dep(role, prev, status="ACTIVE")],
                  target=target, events=(f"(service {self.name(role)}) has started 1 tasks: "
                                         "(task 0123).",))
        return self.poll(role, [self.dep(role, target)], target=target,
                         events=(f"(service {self.name(role)}) has reached a steady state.",))

    def verify(self) -> EcsScript:
        services = [self.description(r, [self.dep(r, self.new[r])]) for r in ROLES]
        self.stub.add_response("describe_services", {"services": services, "failures": []},
                               {"cluster": CLUSTER, "services": [self.name(r) for r in ROLES]})
        return self

    def stopped_task(self, role: str, n: int, reason: str, *, target: str | None = None
                     ) -> dict[str, Any]:
        """A task of the LATEST deployment of `target` that stopped (startedBy = its id)."""
        target = target or self.new[role]
        ident, created = self.ids[(role, target)]
        return {"taskArn": task_arn(f"t{role}{n}-{ident[-4:]}"), "taskDefinitionArn": target,
                "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "startedBy": ident,
                "createdAt": created + timedelta(seconds=5), "stopCode": "TaskFailedToStart",
                "stoppedReason": reason, "healthStatus": "UNHEALTHY",
                "containers": [{"name": role, "exitCode": 137, "lastStatus": "STOPPED"}]}

    def capacity(self, desired: int, maximum: int) -> EcsScript:
        """What the ASG probe reads: the cluster's capacity provider and its group."""
        self.stub.add_response("describe_clusters", {"clusters": [{
            "clusterName": CLUSTER, "capacityProviders": [PROVIDER], "status": "ACTIVE"}],
            "failures": []}, {"clusters": [CLUSTER]})
        self.stub.add_response("describe_capacity_providers", {"capacityProviders": [{
            "name": PROVIDER, "status": "ACTIVE", "autoScalingGroupProvider": {
                "autoScalingGroupArn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:"
                f"autoScalingGroup:0000:autoScalingGroupName/{ASG_NAME}",
                "managedScaling": {"status": "ENABLED", "targetCapacity": 100}}}]},
            {"capacityProviders": [PROVIDER]})
        self.asg_answers.append((desired, maximum))
        return self

    @property
    def asg_answers(self) -> list[tuple[int, int]]:
        if not hasattr(self, "_asg"):
            self._asg: list[tuple[int, int]] = []
        return self._asg

    def autoscaling(self) -> tuple[Any, Stubber]:
        """An Auto Scaling client that answers the probe's DescribeAutoScalingGroups calls."""
        client = boto3.client("autoscaling", region_name=REGION)
        stub = Stubber(client)
        for desired, maximum in self.asg_answers:
            stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [{
                "AutoScalingGroupName": ASG_NAME, "MinSize": 1, "MaxSize": maximum,
                "DesiredCapacity": desired, "DefaultCooldown": 300,
                "AvailabilityZones": ["us-east-1a", "us-east-1b"], "HealthCheckType": "EC2",
                "CreatedTime": T0}]}, {"AutoScalingGroupNames": [ASG_NAME]})
        return client, stub
