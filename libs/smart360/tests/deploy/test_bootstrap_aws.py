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
    assert {"DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "LOGIN_USER_svc_demo",
            "LOGIN_PASSWORD_svc_demo"} <= secret_names
    login = {s["name"]: s["valueFrom"] for s in container["secrets"]}["LOGIN_PASSWORD_svc_demo"]
    assert login.endswith(f"secret:{CLUSTER}/demo/database-login:password::")
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


class _RecordingConnection:
    """Answers the existence checks from a set of roles/databases and records every statement."""

    def __init__(self, roles: set[str], databases: set[str]) -> None:
        self.roles, self.databases, self.statements = roles, databases, []

    def execute(self, query, params=None):  # type: ignore[no-untyped-def]
        from psycopg import sql

        text = query if isinstance(query, str) else query.as_string(None)
        self.statements.append(text)
        found = None
        if "FROM pg_roles" in text:
            found = (1,) if params[0] in self.roles else None
        elif "FROM pg_database" in text:
            found = (1,) if params[0] in self.databases else None
        del sql
        return type("Cursor", (), {"fetchone": lambda self: found})()


def test_provision_creates_the_role_its_rotation_clone_and_sets_the_login_password() -> None:
    from smart360.deploy.dbbootstrap import Tenant, provision

    conn = _RecordingConnection(set(), set())
    done = provision(conn, [Tenant("svc_cx", "smart360_cx", "pw1")])
    sql_text = "\n".join(conn.statements)
    assert 'CREATE ROLE "svc_cx" LOGIN' in sql_text
    assert 'CREATE ROLE "svc_cx_clone" LOGIN IN ROLE "svc_cx"' in sql_text
    assert """ALTER ROLE "svc_cx_clone" SET role = 'svc_cx'""" in sql_text  # owns nothing itself
    assert """ALTER ROLE "svc_cx" PASSWORD 'pw1'""" in sql_text
    assert 'REVOKE CONNECT ON DATABASE "smart360_cx" FROM PUBLIC' in sql_text
    assert "created database smart360_cx" in done


def test_after_a_rotation_the_clone_gets_the_password_and_nothing_else_is_recreated() -> None:
    from smart360.deploy.dbbootstrap import Tenant, provision

    conn = _RecordingConnection({"svc_cx", "svc_cx_clone"}, {"smart360_cx"})
    provision(conn, [Tenant("svc_cx", "smart360_cx", "pw2", login="svc_cx_clone")])
    sql_text = "\n".join(conn.statements)
    assert "CREATE ROLE" not in sql_text
    assert "CREATE DATABASE" not in sql_text
    assert """ALTER ROLE "svc_cx_clone" PASSWORD 'pw2'""" in sql_text
    with pytest.raises(ValueError, match="names 'postgres'"):
        provision(conn, [Tenant("svc_cx", "smart360_cx", "pw2", login="postgres")])
