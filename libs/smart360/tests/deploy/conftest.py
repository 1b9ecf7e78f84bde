"""Fixtures for the deploy tests: registries, a rendered tree, moto AWS and a fake clock."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from smart360.deploy import names, render
from smart360.deploy.aws import Clients, Console, Pace
from smart360.deploy.operations import Target
from smart360.registry import Registry, parse

REPO_ROOT = Path(__file__).resolve().parents[4]
TEST_REGISTRY = Path(__file__).resolve().parents[1] / "services.toml"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account


class FakeTime:
    """A clock that moves only when the code under test sleeps: waits cost nothing."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def real_registry() -> Registry:
    return parse(REPO_ROOT / "services.toml")


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    """The library's one-service test registry, copied so that tests may rewrite it."""
    path = tmp_path / "services.toml"
    path.write_text(TEST_REGISTRY.read_text())
    return parse(path)


def rewrite_registry(registry: Registry, old: str, new: str) -> Registry:
    text = registry.path.read_text()
    assert old in text
    registry.path.write_text(text.replace(old, new))
    return parse(registry.path)


@pytest.fixture
def rendered(registry: Registry) -> Registry:
    """The test registry with its bifrost/ and docker/ files rendered next to it."""
    render.write(registry.root, render.files(registry))
    return registry


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def moto_aws(aws_env: None) -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def clients(moto_aws: None) -> Clients:
    return Clients(**{name: boto3.client(name, region_name=REGION) for name in
                      ("ecs", "ecr", "secretsmanager", "ec2", "sts", "ssm")})


def push_image(clients: Clients, registry: Registry, service: str, tag: str) -> None:
    repository = names.repository_name(registry, registry.service(service))
    with contextlib.suppress(clients.ecr.exceptions.RepositoryAlreadyExistsException):
        clients.ecr.create_repository(repositoryName=repository)
    manifest = '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}'
    clients.ecr.put_image(repositoryName=repository, imageManifest=manifest, imageTag=tag)


def create_secrets(clients: Clients, registry: Registry, service: str, cluster: str) -> None:
    svc = registry.service(service)
    for what in names.secrets_for(svc).values():
        clients.secretsmanager.create_secret(Name=names.secret_name(cluster, svc, what),
                                             SecretString="s3cret")
    clients.secretsmanager.create_secret(  # PgBouncer's RDS login (JSON, rotated)
        Name=names.secret_name(cluster, svc, names.DB_LOGIN_SECRET),
        SecretString=json.dumps({"username": svc.db_role, "password": "l0gin"}))
    # What the CDK stack creates once per cluster: Redis's AUTH token and its TLS URL.
    clients.secretsmanager.create_secret(
        Name=names.cluster_secret_name(cluster, names.REDIS_TOKEN_SECRET), SecretString="t0ken")
    clients.ssm.put_parameter(Name=names.parameter_name(cluster, names.REDIS_URL_PARAMETER),
                              Value="rediss://master.x.cache.amazonaws.com:6379/0", Type="String")


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


class _Lines(list):  # type: ignore[type-arg]
    """The command's output; SMART360_TEST_ECHO=1 also prints it (pytest -s)."""

    def append(self, line: str) -> None:
        if os.environ.get("SMART360_TEST_ECHO"):
            print(line)  # noqa: T201
        super().append(line)


@pytest.fixture
def lines() -> list[str]:
    return _Lines()


def make_target(registry: Registry, clients: Clients, fake_time: FakeTime, lines: list[str],
                env: str = "prod") -> Target:
    pace = Pace(sleep=fake_time.sleep, clock=fake_time.clock, poll_seconds=10)
    return Target(registry=registry, env=names.environment(registry, env), root=registry.root,
                  clients=clients, pace=pace, say=Console(pace, echo=lines.append))


def td_arn(family: str, revision: int) -> str:
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:{revision}"
