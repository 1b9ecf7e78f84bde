"""changed-services, smoke, container health checks, image commands, `smart360 render`."""

from __future__ import annotations

import base64
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smart360.deploy import changes, healthcheck, images
from smart360.deploy.smoke import smoke
from smart360.registry import Registry


def test_changed_services_maps_paths_through_the_registry(real_registry: Registry) -> None:
    assert changes.services_for_paths(real_registry, [
        "services/bx/bx/billing/services.py", "services/cx/tests/test_x.py", "README.md",
        "bifrost/task-definitions/rx-worker.json", "bifrost/environment-variables/prod/wx.env",
        "infra/smart360_infra/network.py", "docs/deploying.md"]) == ["cx", "bx", "rx", "wx"]
    everything = list(real_registry.services)
    for shared in ("libs/smart360/src/smart360/settings.py", "uv.lock", "docker/Dockerfile",
                   "services.toml"):
        assert changes.services_for_paths(real_registry, ["services/cx/a.py", shared]) == \
            everything
    assert changes.services_for_paths(real_registry, ["Jenkinsfile", "tests/e2e/x.py"]) == []


def test_changed_paths_reads_git(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                       cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "README.md").write_text("x")
    git("add", ".")
    git("commit", "-qm", "one")
    (tmp_path / "services" / "cx").mkdir(parents=True)
    (tmp_path / "services" / "cx" / "a.py").write_text("x")
    git("add", ".")
    git("commit", "-qm", "two")
    assert changes.changed_paths(tmp_path, "HEAD~1") == ["services/cx/a.py"]


class _Ready(BaseHTTPRequestHandler):
    down: set[str] = set()
    flaky: dict[str, int] = {}

    def do_GET(self) -> None:
        service = self.path.strip("/").split("/")[0]
        if self.flaky.get(service, 0) > 0:
            self.flaky[service] -= 1
            status = 503
        else:
            status = 503 if service in self.down else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}' if status == 200 else b'{"status": "unavailable"}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ready)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    _Ready.down, _Ready.flaky = set(), {}


def test_smoke_gets_every_readyz_and_retries_a_slow_starter(real_registry: Registry,
                                                             gateway: str) -> None:
    _Ready.flaky = {"bx": 2}
    slept: list[float] = []
    results = smoke(real_registry, gateway, attempts=3, sleep=slept.append)
    assert [name for name, *_ in results] == list(real_registry.services)
    assert all(status == 200 for _, status, _ in results)
    assert len(slept) == 2


def test_smoke_reports_a_service_that_stays_unready(real_registry: Registry,
                                                    gateway: str) -> None:
    _Ready.down = {"mx"}
    results = dict((n, s) for n, s, _ in smoke(real_registry, gateway, attempts=2,
                                                sleep=lambda _: None))
    assert results["mx"] == 503
    assert results["cx"] == 200


def test_smoke_reports_an_unreachable_gateway(real_registry: Registry) -> None:
    results = smoke(real_registry, "http://127.0.0.1:9", attempts=1)
    assert {status for _, status, _ in results} == {None}


def test_worker_health_wants_a_fresh_heartbeat_from_this_container() -> None:
    beats = [("other", 100.0), ("me", 95.0)]
    assert healthcheck.check_heartbeat(beats, "me", ttl=20, now=110.0)[0]
    assert not healthcheck.check_heartbeat(beats, "me", ttl=20, now=120.0)[0]
    assert not healthcheck.check_heartbeat([("other", 109.0)], "me", ttl=20, now=110.0)[0]


def test_health_check_of_worker_and_beat_uses_the_heartbeat_reader() -> None:
    import socket
    import time

    asked: list[tuple[str, str]] = []

    def reader(service: str, role: str) -> list[tuple[str, float]]:
        asked.append((service, role))
        return [(socket.gethostname(), time.time())]

    ok, _ = healthcheck.check("beat", environ={"SMART360_SERVICE": "cx"}, heartbeats=reader)
    assert ok
    assert asked == [("cx", "beat")]

    def broken(service: str, role: str) -> list[tuple[str, float]]:
        raise ConnectionError("redis down")

    ok, detail = healthcheck.check("worker", environ={"SMART360_SERVICE": "cx"},
                                   heartbeats=broken)
    assert not ok
    assert "redis down" in detail
    assert not healthcheck.check("worker", environ={})[0]


def test_web_health_check_gets_healthz(gateway: str) -> None:
    port = int(gateway.rsplit(":", 1)[1])
    assert healthcheck.check("web", environ={"SMART360_SERVICE": "cx", "PORT": str(port)})[0]
    _Ready.down = {"cx"}
    assert not healthcheck.check("web", environ={"SMART360_SERVICE": "cx",
                                                 "PORT": str(port)})[0]


def test_image_commands_build_one_service_and_push_to_its_repository(
        real_registry: Registry) -> None:
    svc = real_registry.service("cx")
    build = images.build_command(real_registry.root, svc, "abc")
    assert build[:2] == ["docker", "build"]
    assert "SERVICE=cx" in build
    assert "smart360-cx:abc" in build
    push = images.push_commands(real_registry, svc, "abc", "123456789012")
    assert push[-1] == ["docker", "push",
                        "123456789012.dkr.ecr.us-east-1.amazonaws.com/smart360/cx:abc"]
    calls: list[tuple[list[str], str]] = []
    token = base64.b64encode(b"AWS:pw").decode()
    fake_ecr = type("Ecr", (), {"get_authorization_token": lambda self: {"authorizationData": [
        {"authorizationToken": token, "proxyEndpoint": "https://x.ecr"}]}})()
    images.ecr_login(fake_ecr, run=lambda cmd, **kw: calls.append((cmd, kw["input"])))
    assert calls == [(["docker", "login", "--username", "AWS", "--password-stdin",
                       "https://x.ecr"], "pw")]


def test_render_command_writes_then_checks(registry: Registry, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from smart360.cli import main
    from smart360.registry import load

    monkeypatch.setenv("SMART360_REGISTRY", str(registry.path))
    load.cache_clear()
    try:
        runner = CliRunner()
        out = tmp_path / "out"
        first = runner.invoke(main, ["render", "--root", str(out)])
        assert first.exit_code == 0, first.output
        assert (out / "bifrost/task-definitions/demo-beat.json").is_file()
        assert runner.invoke(main, ["render", "--root", str(out), "--check"]).exit_code == 0
        (out / "docker/haproxy.cfg").write_text("edited")
        check = runner.invoke(main, ["render", "--root", str(out), "--check"])
        assert check.exit_code == 1
        assert "differs: docker/haproxy.cfg" in check.output
    finally:
        load.cache_clear()


def test_notify_posts_the_message_to_the_webhook() -> None:
    import httpx

    from smart360.deploy.notify import notify

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    assert notify("deployed cx", "https://hooks.example.com/x", client=client)
    assert seen[0].url == "https://hooks.example.com/x"
    assert seen[0].content == b'{"text":"deployed cx"}'
    assert not notify("deployed cx", None)


def test_a_pushed_tag_is_skipped_and_only_amd64_images_go_out(
        real_registry: Registry, clients: Any) -> None:
    from .conftest import push_image

    svc = real_registry.service("cx")
    push_image(clients, real_registry, "cx", "git-1")
    assert images.tag_exists(clients.ecr, real_registry, svc, "git-1")
    assert not images.tag_exists(clients.ecr, real_registry, svc, "git-2")

    def inspect(arch: str) -> Any:
        return lambda cmd, **kw: subprocess.CompletedProcess(cmd, 0, stdout=f"linux/{arch}\n")

    assert images.architecture_problem(svc, "git-1", run=inspect("amd64")) == ""
    assert "linux/arm64, not linux/amd64" in images.architecture_problem(svc, "git-1",
                                                                         run=inspect("arm64"))
    assert "--platform" in images.build_command(real_registry.root, svc, "git-1")
