"""The 27 ECS services: deployment settings, task definitions, scaling, env and secrets."""

from __future__ import annotations

import re

import pytest

from smart360.deploy import names, taskdefs
from smart360.registry import ROLES

from .conftest import Synthesized, logical_id

SEED_SERVICES = {"auth", "ax", "bx", "cx", "mx", "onboarding", "rx", "notification", "wx"}
SECRET_LOOKING = re.compile(r"PASSWORD|SECRET|PRIVATE|TOKEN|CREDENTIAL", re.IGNORECASE)


def test_nine_services_times_three_roles(stack: Synthesized) -> None:
    assert set(stack.registry.services) == SEED_SERVICES
    expected = {f"{s}-{role}" for s in SEED_SERVICES for role in ROLES}
    assert set(stack.app_services()) == expected
    assert len(expected) == 27


@pytest.mark.parametrize("role", ["web", "worker"])
def test_web_and_worker_roll_100_200_with_circuit_breaker_rollback(stack: Synthesized, role: str) -> None:
    for name in stack.registry.services:
        deployment = stack.app_services()[f"{name}-{role}"]["DeploymentConfiguration"]
        assert deployment["MinimumHealthyPercent"] == 100
        assert deployment["MaximumPercent"] == 200
        assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}


def test_beat_is_exactly_one_and_never_two(stack: Synthesized) -> None:
    for name in stack.registry.services:
        beat = stack.app_services()[f"{name}-beat"]
        assert beat["DesiredCount"] == 1
        assert beat["DeploymentConfiguration"]["MinimumHealthyPercent"] == 0
        assert beat["DeploymentConfiguration"]["MaximumPercent"] == 100


def _scalable_targets(stack: Synthesized) -> dict[str, dict]:
    """Scalable targets by ECS service logical id."""
    out = {}
    for target in stack.resources("AWS::ApplicationAutoScaling::ScalableTarget").values():
        parts = target["Properties"]["ResourceId"]["Fn::Join"][1]
        service_id = next(logical_id(p) for p in parts if isinstance(p, dict) and "Fn::GetAtt" in p)
        out[service_id] = target["Properties"]
    return out


def _policies(stack: Synthesized, target_props: dict) -> dict[str, float]:
    """Metric -> target value of the policies attached to one scalable target."""
    targets = stack.resources("AWS::ApplicationAutoScaling::ScalableTarget")
    target_id = next(k for k, v in targets.items() if v["Properties"] is target_props)
    out = {}
    for policy in stack.resources("AWS::ApplicationAutoScaling::ScalingPolicy").values():
        props = policy["Properties"]
        if logical_id(props["ScalingTargetId"]) == target_id:
            config = props["TargetTrackingScalingPolicyConfiguration"]
            metric = config["PredefinedMetricSpecification"]["PredefinedMetricType"]
            out[metric] = config["TargetValue"]
    return out


def _service_ids(stack: Synthesized) -> dict[str, str]:
    return {r["Properties"]["ServiceName"]: k for k, r in stack.resources("AWS::ECS::Service").items()}


def test_web_scales_on_cpu_90_and_memory_90_within_registry_bounds(stack: Synthesized) -> None:
    targets, ids = _scalable_targets(stack), _service_ids(stack)
    for svc in stack.registry.services.values():
        target = targets[ids[f"{svc.name}-web"]]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (
            svc.web().min_tasks,
            svc.web().max_tasks,
        )
        assert _policies(stack, target) == {
            "ECSServiceAverageCPUUtilization": 90,
            "ECSServiceAverageMemoryUtilization": 90,
        }
        assert svc.web().cpu_target_percent == svc.web().memory_target_percent == 90


def test_worker_scales_per_registry_and_beat_does_not_scale(stack: Synthesized) -> None:
    targets, ids = _scalable_targets(stack), _service_ids(stack)
    for svc in stack.registry.services.values():
        worker = svc.worker()
        target = targets[ids[f"{svc.name}-worker"]]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (worker.min_tasks, worker.max_tasks)
        expected = {"ECSServiceAverageCPUUtilization": worker.cpu_target_percent}
        if worker.memory_target_percent:
            expected["ECSServiceAverageMemoryUtilization"] = worker.memory_target_percent
        assert _policies(stack, target) == expected
        assert ids[f"{svc.name}-beat"] not in targets
    # bx overrides its worker in the registry; the stack follows it.
    bx = stack.registry.service("bx").worker()
    assert targets[ids["bx-worker"]]["MaxCapacity"] == bx.max_tasks == 4


def test_task_definitions_follow_the_registry_and_the_deploy_templates(stack: Synthesized) -> None:
    services = stack.app_services()
    for svc in stack.registry.services.values():
        for role, spec in svc.roles.items():
            task = stack.task_definition(services[f"{svc.name}-{role}"])
            # Same shape as the bifrost JSON `smart360 deploy` registers in the same family.
            bifrost = taskdefs.task_definition(stack.registry, svc, role)
            assert task["Family"] == bifrost["family"] == f"{svc.name}-{role}"
            assert (task["Cpu"], task["Memory"]) == (str(spec.cpu), str(spec.memory))
            assert task["NetworkMode"] == bifrost["networkMode"] == "bridge"
            (container,) = task["ContainerDefinitions"]
            (expected,) = bifrost["containerDefinitions"]
            assert container["Name"] == expected["name"] == role
            assert container["Command"] == expected["command"]
            assert container["HealthCheck"]["Command"] == expected["healthCheck"]["command"]
            assert container["StopTimeout"] == expected["stopTimeout"]
            assert container["LogConfiguration"]["Options"]["awslogs-stream-prefix"] == role
            log_group = stack.raw["Resources"][
                logical_id(container["LogConfiguration"]["Options"]["awslogs-group"])
            ]
            assert log_group["Properties"]["LogGroupName"] == names.log_group(
                stack.registry.cluster.name, svc, role
            )
            role_names = {r["Properties"].get("RoleName") for r in _roles(stack, task)}
            assert role_names == {
                names.execution_role_arn(stack.registry.cluster.name).rsplit("/", 1)[1],
                names.task_role_arn(stack.registry.cluster.name, svc).rsplit("/", 1)[1],
            }


def _roles(stack: Synthesized, task: dict) -> list[dict]:
    return [stack.raw["Resources"][logical_id(task[key])] for key in ("ExecutionRoleArn", "TaskRoleArn")]


def test_image_is_the_service_repository_at_the_tag_parameter(stack: Synthesized) -> None:
    services = stack.app_services()
    repositories = stack.resources("AWS::ECR::Repository")
    for svc in stack.registry.services.values():
        task = stack.task_definition(services[f"{svc.name}-web"])
        parts = task["ContainerDefinitions"][0]["Image"]["Fn::Join"][1]
        refs = [p["Ref"] for p in parts if isinstance(p, dict) and "Ref" in p]
        assert "ImageTag" in refs
        (repository,) = [r for r in refs if r in repositories]
        expected = f"{stack.registry.cluster.image_repository_prefix}/{svc.name}"
        assert repositories[repository]["Properties"]["RepositoryName"] == expected


def test_nine_ecr_repositories(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::ECR::Repository", 9)
    repository_names = {
        r["Properties"]["RepositoryName"] for r in stack.resources("AWS::ECR::Repository").values()
    }
    assert repository_names == {f"smart360/{name}" for name in SEED_SERVICES}


def test_environment_contract_and_no_secret_values_in_environment(stack: Synthesized) -> None:
    secrets = stack.resources("AWS::SecretsManager::Secret")
    for secret in secrets.values():  # values are generated by AWS, never in the template
        assert "SecretString" not in secret["Properties"]
        assert "GenerateSecretString" in secret["Properties"]
    services = stack.app_services()
    required = {"DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "REDIS_URL",
                "SMART360_ROLE", "SMART360_SERVICE", "DJANGO_SETTINGS_MODULE",
                "SMART360_GATEWAY_URL", "DJANGO_ALLOWED_HOSTS", "SMART360_LOG_LEVEL"}  # fmt: skip
    for svc in stack.registry.services.values():
        for role in ROLES:
            (container,) = stack.task_definition(services[f"{svc.name}-{role}"])["ContainerDefinitions"]
            env = {e["Name"]: e["Value"] for e in container["Environment"]}
            assert required <= set(env)
            assert (env["SMART360_SERVICE"], env["SMART360_ROLE"]) == (svc.name, role)
            assert (env["DATABASE_NAME"], env["DATABASE_USER"]) == (svc.database, svc.db_role)
            assert not [name for name in env if SECRET_LOOKING.search(name)]
            by_name = {s["Name"]: secrets[logical_id(s["ValueFrom"])] for s in container["Secrets"]}
            expected = names.secrets_for(svc)
            assert set(by_name) == set(expected)
            for variable, secret in by_name.items():
                assert secret["Properties"]["Name"] == names.secret_name(
                    stack.registry.cluster.name, svc, expected[variable]
                )
    assert "JWT_PRIVATE_KEY" in names.secrets_for(stack.registry.service("auth"))
    assert "JWT_PRIVATE_KEY" not in names.secrets_for(stack.registry.service("cx"))


def test_log_group_per_service_and_role(stack: Synthesized) -> None:
    groups = {r["Properties"]["LogGroupName"] for r in stack.resources("AWS::Logs::LogGroup").values()}
    cluster = stack.registry.cluster.name
    for svc in stack.registry.services.values():
        for role in ROLES:
            assert names.log_group(cluster, svc, role) in groups
    assert f"/ecs/{cluster}/pgbouncer" in groups
