"""`smart360 bootstrap-aws`: the first deploy of an environment, against a scripted ECS and
CloudFormation (Stubber) and moto's ECR and Secrets Manager."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from smart360.deploy import names, taskdefs, validate
from smart360.deploy.aws import Clients
from smart360.deploy.operations import DeployError, bootstrap_aws
from smart360.registry import Registry

from .conftest import ACCOUNT, REGION, FakeTime, create_secrets, make_target, push_image
from .ecs_script import CLUSTER, EcsScript, task_arn

TAG = "git-abc123"


def _outputs() -> tuple[object, Stubber]:
    client = boto3.client("cloudformation", region_name=REGION)
    stub = Stubber(client)
    stub.add_response("describe_stacks", {"Stacks": [{
        "StackName": CLUSTER, "CreationTime": "2025-01-06T12:00:00Z",
        "StackStatus": "CREATE_COMPLETE", "Outputs": [
            {"OutputKey": names.OUTPUT_BOOTSTRAP_SUBNETS, "OutputValue": "subnet-a,subnet-b"},
            {"OutputKey": names.OUTPUT_BOOTSTRAP_SECURITY_GROUP, "OutputValue": "sg-0db"}]}]},
        {"StackName": CLUSTER})
    return client, stub


def _master_secret(clients: Clients) -> None:
    clients.secretsmanager.create_secret(
        Name=names.cluster_secret_name(CLUSTER, names.RDS_MASTER_SECRET),
        SecretString='{"username": "postgres", "password": "x", "host": "db", "port": 5432}')


def test_the_bootstrap_task_definition_is_valid_and_carries_every_password(
        rendered: Registry) -> None:
    document = taskdefs.bootstrap_task_definition(rendered, "img:1", ACCOUNT, CLUSTER)
    assert validate.shape_errors(document) == []
    (container,) = document["containerDefinitions"]
    secret_names = {s["name"] for s in container["secrets"]}
    assert {"DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "PASSWORD_svc_demo"} <= secret_names
    assert "environment" not in container
    assert document["networkMode"] == "awsvpc"


def test_bootstrap_creates_databases_then_registers_and_migrates_every_service(
        rendered: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    push_image(clients, rendered, "demo", TAG)
    create_secrets(clients, rendered, "demo", CLUSTER)
    _master_secret(clients)
    s = EcsScript()
    bootstrap = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{CLUSTER}-db-bootstrap:1"
    s.stub.add_response("register_task_definition", {"taskDefinition": {
        "taskDefinitionArn": bootstrap, "status": "ACTIVE"}},
        {"family": f"{CLUSTER}-db-bootstrap", **{k: ANY for k in (
            "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory",
            "containerDefinitions")}})
    task = task_arn("bootstrap1")
    s.stub.add_response("run_task", {"tasks": [{"taskArn": task, "lastStatus": "PROVISIONING"}],
                                     "failures": []}, {
        "cluster": CLUSTER, "taskDefinition": bootstrap, "count": 1,
        "startedBy": "smart360-bootstrap", "overrides": ANY, "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"],
                                    "securityGroups": ["sg-0db"], "assignPublicIp": "DISABLED"}}})
    s.stub.add_response("describe_tasks", {"tasks": [], "failures": [
        {"arn": task, "reason": "MISSING"}]})
    s.stub.add_response("describe_tasks", {"tasks": [{
        "taskArn": task, "lastStatus": "STOPPED",
        "containers": [{"name": "db-bootstrap", "exitCode": 0}]}], "failures": []})
    s.register().migration()
    clients.ecs = s.client
    clients.cloudformation, cfn = _outputs()
    with s.stub, cfn:
        registered = bootstrap_aws(make_target(rendered, clients, fake_time, lines), TAG)
    s.stub.assert_no_pending_responses()
    assert registered == {"demo": s.new}
    assert "Next: `cdk deploy smart360-test-services`" in lines[-1]


def test_bootstrap_refuses_when_an_image_is_missing(
        rendered: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    create_secrets(clients, rendered, "demo", CLUSTER)
    _master_secret(clients)
    clients.cloudformation, cfn = _outputs()
    with cfn, pytest.raises(DeployError, match=r"image smart360/demo:git-abc123 is not in ECR"):
        bootstrap_aws(make_target(rendered, clients, fake_time, lines), TAG)
