"""The 27 ECS services (services stack) and what they stand on (platform stack)."""

from __future__ import annotations

import json

import pytest

from smart360.deploy import names
from smart360.registry import ROLES

from .conftest import Synthesized, logical_id

SEED_SERVICES = {"auth", "ax", "bx", "cx", "mx", "onboarding", "rx", "notification", "wx"}


def test_nine_services_times_three_roles_in_the_services_stack(stack: Synthesized) -> None:
    assert set(stack.registry.services) == SEED_SERVICES
    expected = {f"{s}-{role}" for s in SEED_SERVICES for role in ROLES}
    assert set(stack.app_services()) == expected
    stack.services_template.resource_count_is("AWS::ECS::Service", 27)
    stack.template.resource_count_is("AWS::ECS::Service", 1)  # PgBouncer only


def test_services_run_their_family_and_never_a_cdk_revision_or_count(stack: Synthesized) -> None:
    """Task definitions are smart360's: the service names the family (its latest ACTIVE
    revision, registered by bootstrap-aws/deploy), and no DesiredCount, so a later
    `cdk deploy` neither reverts the revision nor resets what auto scaling chose."""
    for name, props in stack.app_services().items():
        assert props["TaskDefinition"] == name
        assert "DesiredCount" not in props
    families = {r["Properties"]["Family"] for r in stack.resources("AWS::ECS::TaskDefinition").values()}
    assert families == {"pgbouncer"}


@pytest.mark.parametrize("role", ["web", "worker"])
def test_web_and_worker_roll_100_200_with_circuit_breaker_rollback(stack: Synthesized, role: str) -> None:
    for name in stack.registry.services:
        deployment = stack.app_services()[f"{name}-{role}"]["DeploymentConfiguration"]
        assert deployment["MinimumHealthyPercent"] == 100
        assert deployment["MaximumPercent"] == 200
        assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}


def test_beat_is_never_two(stack: Synthesized) -> None:
    for name in stack.registry.services:
        beat = stack.app_services()[f"{name}-beat"]
        assert beat["DeploymentConfiguration"]["MinimumHealthyPercent"] == 0
        assert beat["DeploymentConfiguration"]["MaximumPercent"] == 100


def test_every_service_places_through_the_capacity_provider(stack: Synthesized) -> None:
    provider = stack.one("AWS::ECS::CapacityProvider")["Name"]
    assert provider == names.capacity_provider(stack.registry.cluster.name)
    for props in stack.app_services().values():
        assert "LaunchType" not in props
        assert [s["CapacityProvider"] for s in props["CapacityProviderStrategy"]] == [provider]
        assert props["Cluster"] == stack.registry.cluster.name


def _scalable_targets(stack: Synthesized) -> dict[str, tuple[str, dict]]:
    """ECS service name -> (logical id, scalable target properties)."""
    out = {}
    ids = {k: r["Properties"]["ServiceName"] for k, r in stack.resources("AWS::ECS::Service").items()}
    for target_id, target in stack.resources("AWS::ApplicationAutoScaling::ScalableTarget").items():
        parts = target["Properties"]["ResourceId"]["Fn::Join"][1]
        service_id = next(logical_id(p) for p in parts if isinstance(p, dict))
        out[ids[service_id]] = (target_id, target["Properties"])
    return out


def _policies(stack: Synthesized, target_id: str) -> list[dict]:
    return [p["Properties"] for p in stack.resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()
            if logical_id(p["Properties"]["ScalingTargetId"]) == target_id]


def test_web_scales_on_cpu_90_and_memory_90_within_registry_bounds(stack: Synthesized) -> None:
    targets = _scalable_targets(stack)
    for svc in stack.registry.services.values():
        target_id, target = targets[f"{svc.name}-web"]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (svc.web().min_tasks, svc.web().max_tasks)
        tracked = {p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"]: p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]
            for p in _policies(stack, target_id)}  # fmt: skip
        assert tracked == {"ECSServiceAverageCPUUtilization": 90, "ECSServiceAverageMemoryUtilization": 90}


def test_workers_step_scale_on_the_queue_backlog_beat_publishes(stack: Synthesized) -> None:
    targets = _scalable_targets(stack)
    alarms = stack.resources("AWS::CloudWatch::Alarm")
    for svc in stack.registry.services.values():
        worker = svc.worker()
        target_id, target = targets[f"{svc.name}-worker"]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (worker.min_tasks, worker.max_tasks)
        policies = _policies(stack, target_id)
        assert {p["PolicyType"] for p in policies} == {"StepScaling"}  # no CPU tracking
        steps = [a for p in policies for a in p["StepScalingPolicyConfiguration"]["StepAdjustments"]]
        assert {s["ScalingAdjustment"] for s in steps} >= {-1, 1, 2, 3}
        assert f"{svc.name}-beat" not in targets
        mine = [a["Properties"] for a in alarms.values()
                if {"Name": "ServiceName", "Value": svc.name} in a["Properties"].get("Dimensions", [])]
        assert mine, svc.name
        for alarm in mine:
            assert alarm["Namespace"] == names.QUEUE_METRICS_NAMESPACE
            assert alarm["MetricName"] == names.QUEUE_DEPTH_METRIC
            assert {"Name": "ClusterName", "Value": stack.registry.cluster.name} in alarm["Dimensions"]
    bx = stack.registry.service("bx").worker()
    assert targets["bx-worker"][1]["MaxCapacity"] == bx.max_tasks == 4


def test_beat_task_role_may_publish_only_the_queue_namespace(stack: Synthesized) -> None:
    policies = stack.resources("AWS::IAM::Policy")
    for svc in stack.registry.services.values():
        role_name = names.task_role_arn(stack.registry.cluster.name, svc).rsplit("/", 1)[1]
        (role_id,) = [k for k, r in stack.resources("AWS::IAM::Role").items()
                      if r["Properties"].get("RoleName") == role_name]
        statements = [s for p in policies.values() if {"Ref": role_id} in p["Properties"]["Roles"]
                      for s in p["Properties"]["PolicyDocument"]["Statement"]]
        (put,) = [s for s in statements if s["Action"] == "cloudwatch:PutMetricData"]
        assert put["Condition"] == {"StringEquals": {"cloudwatch:namespace": names.QUEUE_METRICS_NAMESPACE}}


def test_nine_ecr_repositories_with_immutable_tags(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::ECR::Repository", 9)
    repositories = [r["Properties"] for r in stack.resources("AWS::ECR::Repository").values()]
    assert {r["RepositoryName"] for r in repositories} == {f"smart360/{name}" for name in SEED_SERVICES}
    assert {r["ImageTagMutability"] for r in repositories} == {"IMMUTABLE"}


def test_secrets_are_generated_and_named_as_task_definitions_reference_them(stack: Synthesized) -> None:
    secrets = stack.resources("AWS::SecretsManager::Secret")
    for secret in secrets.values():  # values are generated by AWS, never in the template
        assert "SecretString" not in secret["Properties"]
        assert "GenerateSecretString" in secret["Properties"]
    secret_names = {s["Properties"].get("Name") for s in secrets.values()}
    cluster = stack.registry.cluster.name
    for svc in stack.registry.services.values():
        for what in names.secrets_for(svc).values():
            assert names.secret_name(cluster, svc, what) in secret_names
    assert names.cluster_secret_name(cluster, names.REDIS_TOKEN_SECRET) in secret_names


def test_log_group_per_service_and_role_and_for_the_bootstrap_task(stack: Synthesized) -> None:
    groups = {r["Properties"]["LogGroupName"] for r in stack.resources("AWS::Logs::LogGroup").values()
              if "LogGroupName" in r["Properties"]}
    cluster = stack.registry.cluster.name
    for svc in stack.registry.services.values():
        for role in ROLES:
            assert names.log_group(cluster, svc, role) in groups
    assert f"/ecs/{cluster}/pgbouncer" in groups
    assert names.bootstrap_log_group(cluster) in groups


def test_execution_and_task_roles_carry_the_names_task_definitions_use(stack: Synthesized) -> None:
    role_names = {r["Properties"].get("RoleName") for r in stack.resources("AWS::IAM::Role").values()}
    cluster = stack.registry.cluster.name
    assert names.execution_role_arn(cluster).rsplit("/", 1)[1] in role_names
    for svc in stack.registry.services.values():
        assert names.task_role_arn(cluster, svc).rsplit("/", 1)[1] in role_names


def _task_role_statements(stack: Synthesized, service: str) -> list[dict]:
    svc = stack.registry.service(service)
    role_name = names.task_role_arn(stack.registry.cluster.name, svc).rsplit("/", 1)[1]
    (role_id,) = [k for k, r in stack.resources("AWS::IAM::Role").items()
                  if r["Properties"].get("RoleName") == role_name]
    return [s for p in stack.resources("AWS::IAM::Policy").values()
            if {"Ref": role_id} in p["Properties"]["Roles"]
            for s in p["Properties"]["PolicyDocument"]["Statement"]]


def test_cx_documents_bucket_is_private_encrypted_and_only_cx_may_use_it(stack: Synthesized) -> None:
    cluster = stack.registry.cluster.name
    buckets = {k: r["Properties"] for k, r in stack.resources("AWS::S3::Bucket").items()
               if "Documents" in k or "documents" in k}
    ((bucket_id, bucket),) = buckets.items()
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True,
        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    assert bucket["LoggingConfiguration"]["LogFilePrefix"] == "s3/cx-documents/"
    policy = next(p["Properties"]["PolicyDocument"] for p in stack.resources("AWS::S3::BucketPolicy").values()
                  if logical_id(p["Properties"]["Bucket"]) == bucket_id)
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy["Statement"])
    # cx's task role: objects of this bucket (and listing it); no other task role names it.
    cx = [s for s in _task_role_statements(stack, "cx") if bucket_id in json.dumps(s["Resource"])]
    assert {a for s in cx for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])} == {
        "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
    for svc in stack.registry.services.values():
        if svc.name != "cx":
            assert bucket_id not in json.dumps(_task_role_statements(stack, svc.name))
    # Its generated name reaches cx's tasks through the SSM parameter the task definitions name.
    parameter = next(p["Properties"] for p in stack.resources("AWS::SSM::Parameter").values()
                     if p["Properties"]["Name"] == f"/{cluster}/cx/bucket/documents")
    assert logical_id(parameter["Value"]) == bucket_id
    svc = stack.registry.service("cx")
    refs = {r["name"]: r["valueFrom"] for r in names.secret_references("us-east-1", cluster, svc)}
    assert refs["CX_DOCUMENTS_BUCKET"].endswith(f":parameter/{cluster}/cx/bucket/documents")
