"""The local stack's configuration, rendered from the real registry and checked by the real tools."""

from __future__ import annotations

import configparser
import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from smart360.registry import parse
from smart360.stack import configs, prometheus
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


def _programs(stack):
    parser = configparser.RawConfigParser()
    parser.read_string(configs.supervisord_conf(stack))
    return {s.split(":", 1)[1]: parser[s] for s in parser.sections() if s.startswith("program:")}


def test_supervisord_runs_every_role_of_every_service_on_its_own_queue(stack):
    programs = _programs(stack)
    assert set(programs) == set(configs.program_names(stack))
    local = stack.registry.local
    assert len(programs) == len(stack.registry.services) * (local.web_instances + 2) + 3  # helpers
    for svc in stack.registry.services.values():
        worker = programs[f"{svc.name}-worker"]["command"]
        assert "-m smart360.stack.celery_run worker smart360.celery.app " in worker
        assert f"--queues {','.join(svc.queues)} " in worker
        assert "@%%h" in worker  # supervisor would otherwise interpolate %h
        beat = programs[f"{svc.name}-beat"]["command"]
        assert "celery_run beat smart360.celery.beat_app" in beat  # settings only, no django.setup
        env = programs[f"{svc.name}-web-0"]["environment"]
        assert f'DJANGO_SETTINGS_MODULE="{svc.name}.settings"' in env
        assert f'DATABASE_PORT="{stack.port("pgbouncer")}"' in env  # every app query via PgBouncer


def test_every_process_runs_from_the_runtime_virtualenv_without_dev_packages(stack):
    for name, program in _programs(stack).items():
        binary = program["command"].split()[0]
        expected = "tools-flower" if name == "flower" else "runtime"
        assert binary.startswith(str(stack.registry.root / ".state" / expected / "bin")), name


def _env(program) -> dict[str, str]:
    return dict(part.split("=", 1) for part in program["environment"].replace('"', "").split(","))


def test_each_program_has_its_own_metrics_folder_and_port(stack):
    programs = _programs(stack)
    folders, ports = set(), set()
    for svc in stack.registry.services.values():
        for name in configs.web_programs(stack, svc):
            env = _env(programs[name])
            assert env["PROMETHEUS_MULTIPROC_DIR"] == str(stack.path("metrics", name))
            assert "-c python:smart360.observability.gunicorn" in programs[name]["command"]
            folders.add(env["PROMETHEUS_MULTIPROC_DIR"])
        worker, beat = _env(programs[f"{svc.name}-worker"]), _env(programs[f"{svc.name}-beat"])
        folders.add(worker["PROMETHEUS_MULTIPROC_DIR"])
        assert "PROMETHEUS_MULTIPROC_DIR" not in beat  # one process: nothing to sum
        ports |= {int(worker["SMART360_METRICS_PORT"]), int(beat["SMART360_METRICS_PORT"])}
        assert worker["CELERY_SKIP_CHECKS"] == beat["CELERY_SKIP_CHECKS"] == "1"
    services = len(stack.registry.services)
    assert len(folders) == services * (stack.registry.local.web_instances + 1)
    web_ports = {stack.web_port(s, i) for s in stack.registry.services.values()
                 for i in range(stack.registry.local.web_instances)}
    assert len(ports) == services * 2
    assert not ports & web_ports


def test_flower_sits_behind_the_gateway_with_a_generated_password(stack):
    flower = _programs(stack)["flower"]
    assert f"--port={stack.port('flower')} --url_prefix=flower" in flower["command"]
    assert "--address=127.0.0.1" in flower["command"]
    assert _env(flower)["FLOWER_BASIC_AUTH"] == f"ops:{stack.secrets['flower']}"
    assert len(stack.secrets["flower"]) >= 24
    text = configs.haproxy_cfg(stack)
    assert "use_backend flower if { path_beg /flower/ }" in text
    assert f"server flower 127.0.0.1:{stack.port('flower')}" in text
    # /flower/... is routed before the services' prefixes, and metrics never through the gateway
    assert text.index("use_backend flower") < text.index("use_backend auth")
    assert text.index("path_reg ^/[a-z0-9]+/metrics/?$") < text.index("use_backend flower")


def test_prometheus_runs_only_with_metrics(stack):
    assert "prometheus" not in _programs(stack)
    with_metrics = dataclasses.replace(stack, with_metrics=True)
    assert "prometheus" in _programs(with_metrics)
    assert f"--web.listen-address=127.0.0.1:{stack.port('prometheus')}" in \
        _programs(with_metrics)["prometheus"]["command"]


def test_prometheus_scrapes_every_process_and_its_config_is_valid(stack, tmp_path):
    stack = dataclasses.replace(stack, with_metrics=True)
    text = prometheus.config(stack)
    body = yaml.safe_load(text)
    targets = {(t["labels"]["program"], t["targets"][0], job["metrics_path"])
               for job in body["scrape_configs"] for t in job["static_configs"]
               if "program" in t["labels"]}
    expected = set()
    local = stack.registry.local
    for svc in stack.registry.services.values():
        for i in range(local.web_instances):
            expected.add((f"{svc.name}-web-{i}", f"127.0.0.1:{stack.web_port(svc, i)}",
                          f"/{svc.name}/metrics"))
        for role in ("worker", "beat"):
            expected.add((f"{svc.name}-{role}", f"127.0.0.1:{local.metrics_port(svc, role)}",
                          "/metrics"))
    assert targets == expected
    assert {j["job_name"] for j in body["scrape_configs"]} >= {"flower", "haproxy", "prometheus"}
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool comes with the prometheus package (`smart360 up --with-metrics`)")
    path = tmp_path / "prometheus.yml"
    path.write_text(text)
    check = subprocess.run([promtool, "check", "config", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_lite_profile_runs_one_web_instance_per_service(tmp_path):
    lite = Stack(parse(REPO / "services.toml", port_offset=300, profile="lite"), tmp_path / "s")
    assert lite.registry.local.web_instances == 1
    programs = set(configs.program_names(lite))
    assert "cx-web-0" in programs
    assert "cx-web-1" not in programs
    assert "server web1" not in configs.haproxy_cfg(lite)


def test_profile_and_metrics_stick_to_the_state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SMART360_REGISTRY", str(REPO / "services.toml"))
    monkeypatch.setenv("SMART360_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("SMART360_PROFILE", raising=False)
    assert Stack.from_env().registry.local.profile == "default"
    monkeypatch.setenv("SMART360_PROFILE", "lite")
    chosen = dataclasses.replace(Stack.from_env(), with_metrics=True)
    chosen.record_choices()
    monkeypatch.delenv("SMART360_PROFILE")
    again = Stack.from_env()  # `status`, `restart`, `down` without the variable
    assert (again.registry.local.profile, again.with_metrics) == ("lite", True)
    assert again.service_env(again.registry.service("cx"), "web")["SMART360_PROFILE"] == "lite"
    dataclasses.replace(again, with_metrics=False).record_choices()
    assert not Stack.from_env().with_metrics


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
