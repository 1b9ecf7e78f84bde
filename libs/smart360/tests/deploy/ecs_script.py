"""A scripted ECS (botocore Stubber): moto does not simulate rollouts, so each test writes
the describe_services / describe_tasks sequence a real rollout would produce."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from .conftest import REGION, deployment, service_description, td_arn

CLUSTER = "smart360-test"
ROLES = ("web", "worker", "beat")


class EcsScript:
    def __init__(self, service: str = "demo") -> None:
        self.client = boto3.client("ecs", region_name=REGION)
        self.stub = Stubber(self.client)
        self.service = service
        self.old = {role: td_arn(f"{service}-{role}", 4) for role in ROLES}
        self.new = {role: td_arn(f"{service}-{role}", 5) for role in ROLES}
        self.seen_tasks: set[str] = set()

    def name(self, role: str) -> str:
        return f"{self.service}-{role}"

    # -- steps of a deploy ----------------------------------------------------------------
    def live(self, desired: int = 1) -> EcsScript:
        """The first describe_services: every role on its old revision."""
        services = [service_description(self.name(r), [deployment(self.old[r])], desired=desired)
                    for r in ROLES]
        self.stub.add_response("describe_services", {"services": services, "failures": []},
                               {"cluster": CLUSTER, "services": [self.name(r) for r in ROLES]})
        return self

    def register(self) -> EcsScript:
        for role in ROLES:
            arn = self.new[role]
            self.stub.add_response(
                "register_task_definition",
                {"taskDefinition": {"taskDefinitionArn": arn, "family": self.name(role),
                                    "revision": 5}},
                {"family": self.name(role), **{k: ANY for k in (
                    "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities",
                    "cpu", "memory", "containerDefinitions", "tags")}})
        return self

    def migration(self, exit_code: int = 0, polls: int = 1) -> EcsScript:
        task = f"arn:aws:ecs:{REGION}:123456789012:task/{CLUSTER}/migrate1"
        self.stub.add_response(
            "run_task", {"tasks": [{"taskArn": task, "lastStatus": "PROVISIONING"}],
                         "failures": []},
            {"cluster": CLUSTER, "taskDefinition": self.new["web"], "count": 1,
             "startedBy": "smart360-migrate",
             "overrides": {"containerOverrides": [{"name": "web", "command": ["migrate"]}]}})
        for _ in range(polls):
            self.stub.add_response("describe_tasks", {"tasks": [
                {"taskArn": task, "lastStatus": "RUNNING"}]})
        self.stub.add_response("describe_tasks", {"tasks": [{
            "taskArn": task, "lastStatus": "STOPPED", "stoppedReason": "Essential container "
            "in task exited", "containers": [{"name": "web", "exitCode": exit_code}]}]})
        return self

    def deregister_new(self) -> EcsScript:
        for role in ROLES:
            self.stub.add_response("deregister_task_definition", {"taskDefinition": {}},
                                   {"taskDefinition": self.new[role]})
        return self

    def update(self, role: str, target: str | None = None) -> EcsScript:
        self.stub.add_response("update_service", {"service": {}}, {
            "cluster": CLUSTER, "service": self.name(role),
            "taskDefinition": target or self.new[role], "deploymentConfiguration": ANY})
        return self

    def poll(self, role: str, deployments: list[dict[str, Any]], *, target: str | None = None,
             events: tuple[str, ...] = (), stopped: tuple[dict[str, Any], ...] = ()
             ) -> EcsScript:
        """One describe_services of wait_for, then the stopped-task lookup it makes while
        PRIMARY is the revision it waits for and no deployment of that revision FAILED."""
        target = target or self.new[role]
        evts = [{"id": f"e{abs(hash(m)) % 10**9}", "message": m, "createdAt": 0}
                for m in events]
        self.stub.add_response("describe_services", {"services": [
            service_description(self.name(role), deployments, events=evts)]},
            {"cluster": CLUSTER, "services": [self.name(role)]})
        head = next(d for d in deployments if d["status"] == "PRIMARY")
        failed = any(d["taskDefinition"] == target and d.get("rolloutState") == "FAILED"
                     for d in deployments)
        if head["taskDefinition"] == target and not failed:
            self._stopped(role, list(stopped))
        return self

    def look(self, role: str, deployments: list[dict[str, Any]]) -> EcsScript:
        """A bare describe_services (the rollback's "where is it now?")."""
        self.stub.add_response("describe_services", {"services": [
            service_description(self.name(role), deployments)]},
            {"cluster": CLUSTER, "services": [self.name(role)]})
        return self

    def _stopped(self, role: str, stopped: list[dict[str, Any]]) -> EcsScript:
        arns = [t["taskArn"] for t in stopped]
        self.stub.add_response("list_tasks", {"taskArns": arns},
                               {"cluster": CLUSTER, "serviceName": self.name(role),
                                "desiredStatus": "STOPPED"})
        new = [t for t in stopped if t["taskArn"] not in self.seen_tasks]  # wait_for remembers
        self.seen_tasks.update(t["taskArn"] for t in new)
        if new:
            self.stub.add_response("describe_tasks", {"tasks": new},
                                   {"cluster": CLUSTER, "tasks": [t["taskArn"] for t in new]})
        return self

    def rolled(self, role: str, target: str | None = None) -> EcsScript:
        """A rollout that goes straight to COMPLETED."""
        target = target or self.new[role]
        prev = self.old[role] if target == self.new[role] else self.new[role]
        self.update(role, target)
        self.poll(role, [deployment(target, rollout="IN_PROGRESS", running=0),
                         deployment(prev, status="ACTIVE")],
                  target=target, events=(f"(service {self.name(role)}) has started 1 tasks",))
        return self.poll(role, [deployment(target)], target=target,
                         events=(f"(service {self.name(role)}) has reached a steady state.",))

    def verify(self) -> EcsScript:
        services = [service_description(self.name(r), [deployment(self.new[r])]) for r in ROLES]
        self.stub.add_response("describe_services", {"services": services},
                               {"cluster": CLUSTER, "services": [self.name(r) for r in ROLES]})
        return self

    def stopped_task(self, role: str, n: int, reason: str) -> dict[str, Any]:
        return {"taskArn": f"arn:aws:ecs:{REGION}:123456789012:task/{CLUSTER}/t{role}{n}",
                "taskDefinitionArn": self.new[role], "lastStatus": "STOPPED",
                "stoppedReason": reason, "healthStatus": "UNHEALTHY",
                "containers": [{"name": role, "exitCode": 137}]}
