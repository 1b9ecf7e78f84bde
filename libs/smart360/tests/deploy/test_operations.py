"""diff (moto), scale (moto) and rollback (scripted ECS)."""

from __future__ import annotations

from typing import Any

import pytest

from smart360.deploy import names, rollout, taskdefs
from smart360.deploy.aws import Clients
from smart360.deploy.operations import DeployError, diff, rollback, scale
from smart360.registry import ROLES, Registry

from .conftest import ACCOUNT, FakeTime, make_target
from .ecs_script import CLUSTER, EcsScript


def _remember_deployment_configuration(ecs: Any) -> None:
    """moto drops a service's deploymentConfiguration; keep what was sent, as ECS does."""
    sent: dict[str, Any] = {}

    def store(params: dict[str, Any], **_: Any) -> None:
        if "deploymentConfiguration" in params:
            name = params.get("serviceName") or params.get("service")
            sent[name] = params["deploymentConfiguration"]

    def inject(parsed: dict[str, Any], **_: Any) -> None:
        for svc in parsed.get("services", []):
            if svc["serviceName"] in sent:
                svc["deploymentConfiguration"] = sent[svc["serviceName"]]

    ecs.meta.events.register("before-parameter-build.ecs.CreateService", store)
    ecs.meta.events.register("before-parameter-build.ecs.UpdateService", store)
    ecs.meta.events.register("after-call.ecs.DescribeServices", inject)


def _live_cluster(registry: Registry, clients: Clients) -> dict[str, str]:
    """Register the repository's task definitions in moto and create the three services."""
    _remember_deployment_configuration(clients.ecs)
    env = names.environment(registry, "prod")
    svc = registry.service("demo")
    clients.ecs.create_cluster(clusterName=CLUSTER)
    arns = {}
    for role in ROLES:
        document = taskdefs.materialize(
            taskdefs.task_definition(registry, svc, role),
            env_vars=taskdefs.environment_variables(registry, svc, env), account=ACCOUNT,
            cluster=CLUSTER, image=names.image_uri(registry, svc, "v1", ACCOUNT))
        arn = clients.ecs.register_task_definition(**document)["taskDefinition"][
            "taskDefinitionArn"]
        clients.ecs.create_service(cluster=CLUSTER, serviceName=names.family(svc, role),
                                   taskDefinition=arn, desiredCount=1,
                                   deploymentConfiguration=rollout.deployment_configuration(role))
        arns[role] = arn
    return arns


def test_diff_is_empty_when_live_matches_and_ignores_desired_count_and_image_tag(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    _live_cluster(registry, clients)
    clients.ecs.update_service(cluster=CLUSTER, service="demo-web", desiredCount=3)  # autoscaled
    assert diff(make_target(registry, clients, fake_time, lines)) == []


def test_diff_shows_a_live_change_to_a_task_definition(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    _live_cluster(registry, clients)
    edited = clients.ecs.describe_task_definition(taskDefinition="demo-worker")["taskDefinition"]
    edited["containerDefinitions"][0]["stopTimeout"] = 10
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions",
            "requiresCompatibilities", "cpu", "memory")
    arn = clients.ecs.register_task_definition(**{k: edited[k] for k in keep})[
        "taskDefinition"]["taskDefinitionArn"]
    clients.ecs.update_service(cluster=CLUSTER, service="demo-worker", taskDefinition=arn)
    out = diff(make_target(registry, clients, fake_time, lines), ["demo"])
    assert len(out) == 1
    assert "demo-worker (live demo-worker:2)" in out[0]
    assert '-        "stopTimeout": 120' in out[0]
    assert '+        "stopTimeout": 10' in out[0]


def test_diff_reports_a_missing_service(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    clients.ecs.create_cluster(clusterName=CLUSTER)
    out = diff(make_target(registry, clients, fake_time, lines))
    assert [line.split(":")[0] for line in out] == ["--- demo-web", "--- demo-worker",
                                                     "--- demo-beat"]


def test_scale_sets_the_desired_count_within_the_registry_bounds(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    _live_cluster(registry, clients)
    target = make_target(registry, clients, fake_time, lines)
    scale(target, "demo", "web", 3)
    described = clients.ecs.describe_services(cluster=CLUSTER, services=["demo-web"])
    assert described["services"][0]["desiredCount"] == 3
    with pytest.raises(DeployError, match=r"outside the registry's bounds 1\.\.4"):
        scale(target, "demo", "web", 5)


@pytest.mark.parametrize("count", [0, 2])
def test_scale_refuses_anything_but_one_beat(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str],
        count: int) -> None:
    _live_cluster(registry, clients)
    with pytest.raises(DeployError, match="beat runs exactly one task"):
        scale(make_target(registry, clients, fake_time, lines), "demo", "beat", count)


def _rollback_script(s: EcsScript, *, settles: bool = True) -> EcsScript:
    for role in ROLES:  # every role runs revision 5, deployed earlier
        s.new_deployment_id(role, s.new[role])
    s.stub.add_response("describe_services", {"services": [
        s.description(r, [s.dep(r, s.new[r])]) for r in ROLES], "failures": []})
    for role in ("beat", "web", "worker"):
        family = s.name(role)
        s.stub.add_response("list_task_definitions", {"taskDefinitionArns": [
            s.new[role], s.old[role], s.old[role].replace(":4", ":3"),
            s.old[role].replace(f"{family}:4", f"{family}x:9")]},  # another family, same prefix
            {"familyPrefix": family, "status": "ACTIVE", "sort": "DESC"})
    for role in ("beat", "web", "worker"):  # the reverse of a deploy
        if role == "worker" and not settles:
            s.update(role, s.old[role])
            stuck = [s.dep(role, s.old[role], rollout="IN_PROGRESS", running=0),
                     s.dep(role, s.new[role], status="ACTIVE")]
            for _ in range(3):
                s.poll(role, stuck, target=s.old[role])
        else:
            s.rolled(role, target=s.old[role])
    if settles:
        s.deregister(s.new)  # what it rolled away from is never returned to
    return s


def test_rollback_goes_beat_web_worker_and_deregisters_what_it_left(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = _rollback_script(EcsScript())
    clients.ecs = s.client
    with s.stub:
        targets = rollback(make_target(registry, clients, fake_time, lines), "demo")
    s.stub.assert_no_pending_responses()
    assert targets == s.old
    assert any("demo-web: demo-web:5 -> demo-web:4" in line for line in lines)
    output = "\n".join(lines)
    assert output.index("demo-beat: demo-beat:5") < output.index("demo-web: demo-web:5") < \
        output.index("demo-worker: demo-worker:5")


def test_a_rollback_that_does_not_settle_exits_non_zero(
        registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = _rollback_script(EcsScript(), settles=False)
    clients.ecs = s.client
    with s.stub, pytest.raises(DeployError, match="rollback incomplete: demo-worker"):
        rollback(make_target(registry, clients, fake_time, lines), "demo", timeout=20)
    s.stub.assert_no_pending_responses()
