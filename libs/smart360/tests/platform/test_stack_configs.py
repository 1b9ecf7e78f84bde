"""The local stack's configuration, rendered from the real registry and checked by the real tools."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from smart360.registry import parse
from smart360.stack import configs
from smart360.stack.layout import Stack

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture
def stack(tmp_path):
    return Stack(parse(REPO / "services.toml", port_offset=300), tmp_path / "state")


def test_haproxy_config_is_valid_and_routes_every_service(stack):
    if not shutil.which("haproxy") and not Path("/usr/sbin/haproxy").exists():
        pytest.skip("haproxy is installed by `make up`/`make test`; not on this machine yet")
    stack.run.mkdir(parents=True)
    cfg = stack.path("haproxy.cfg")
    text = configs.haproxy_cfg(stack)
    cfg.write_text(text)
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    check = subprocess.run([binary, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    for svc in stack.registry.services.values():
        assert f"use_backend {svc.name} if {{ path_beg {svc.prefix} }}" in text
        assert f"uri {svc.health_path} ver HTTP/1.1 hdr Host localhost" in text
        for i in range(stack.registry.local.web_instances):
            assert f"server web{i} 127.0.0.1:{stack.web_port(svc, i)}" in text
    assert f"bind 127.0.0.1:{8000 + 300}" in text


def test_supervisord_runs_every_role_of_every_service_on_its_own_queue(stack):
    parser = configparser.RawConfigParser()
    parser.read_string(configs.supervisord_conf(stack))
    programs = {s.split(":", 1)[1]: parser[s] for s in parser.sections() if s.startswith("program:")}
    assert set(programs) == set(configs.program_names(stack))
    local = stack.registry.local
    assert len(programs) == len(stack.registry.services) * (local.web_instances + 2) + 1  # + smtp
    for svc in stack.registry.services.values():
        worker = programs[f"{svc.name}-worker"]["command"]
        assert f"-Q {','.join(svc.queues)} " in worker
        assert "@%%h" in worker  # supervisor would otherwise interpolate %h
        assert "beat" in programs[f"{svc.name}-beat"]["command"]
        env = programs[f"{svc.name}-web-0"]["environment"]
        assert f'DJANGO_SETTINGS_MODULE="{svc.name}.settings"' in env
        assert f'DATABASE_PORT="{stack.port("pgbouncer")}"' in env  # every app query via PgBouncer


def test_pgbouncer_pools_transactions_and_knows_every_role(stack):
    ini = configs.pgbouncer_ini(stack)
    assert "pool_mode = transaction" in ini
    assert f"listen_port = {stack.port('pgbouncer')}" in ini
    users = configs.pgbouncer_userlist(stack)
    for svc in stack.registry.services.values():
        assert f'"{svc.db_role}" "{stack.db_password(svc)}"' in users


def test_dev_secrets_are_generated_once_and_private(stack):
    first = dict(stack.secrets)
    again = Stack(stack.registry, stack.state_dir).secrets
    assert first == again
    assert len({v for k, v in first.items() if k.startswith("db:")}) == len(stack.registry.services)
    assert (stack.state_dir / "secrets.json").stat().st_mode & 0o077 == 0
