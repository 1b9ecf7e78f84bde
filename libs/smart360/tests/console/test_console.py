"""The operations console without a running stack: its pages, its sign-in, its actions.

The gateway is an httpx MockTransport standing in for auth's whoami/token and the services'
ops API; Redis is a small fake of the few commands the console sends.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from console_wsgi import call, token

from smart360.console import render, snapshot
from smart360.console.app import Console
from smart360.console.sessions import COOKIE, Auth, LoginRefused, cookie_header
from smart360.registry import parse
from smart360.stack import configs, status
from smart360.stack.layout import Stack
from smart360.stack.status import ProcessStatus

REPO = Path(__file__).resolve().parents[4]


class Gateway:
    """auth and the services' ops API, as the console sees them through the gateway."""

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []
        self.tokens: dict[str, list[str]] = {}  # token -> roles

    def issue(self, roles: list[str]) -> str:
        value = token(roles)
        self.tokens[value] = roles
        return value

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        path = request.url.path
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if path == "/auth/api/v1/token/":
            body = json.loads(request.content)
            if body == {"email": "ops@example.com", "password": "right"}:
                return httpx.Response(200, json={"access": self.issue(["ops"]), "refresh": "r1"})
            return httpx.Response(401, json={"detail": "Wrong email or password."})
        if bearer not in self.tokens:
            return httpx.Response(401, json={"detail": "bad token"})
        if path == "/auth/api/v1/whoami/":
            return httpx.Response(200, json={"email": "ops@example.com", "roles": self.tokens[bearer]})
        if path.endswith("/api/v1/ops/jobs/"):
            service = path.split("/")[1]
            return httpx.Response(200, json={"results": [{
                "name": "smart360.purge_idempotency_keys", "schedule": "7 * * * *", "runs": 2,
                "last_status": "ok", "last_finished_at": "2026-12-02T03:07:00Z",
                "last_result": {"purged": 0, "service": service}}]})
        if path.endswith("/run/"):
            return httpx.Response(200, json={"name": path.split("/")[-3], "task_id": "t1", "status": "ok",
                                             "result": {"purged": 3}})
        if path.endswith("/ops/events/dead/"):
            rows = [] if not path.startswith("/cx/") else [{
                "id": "6f1c1f3e-4b1a-4c55-9f1e-1c2b3a4d5e6f", "type": "cx.consumer_created.v1",
                "error": "KeyError: 'x'", "received_at": "2026-12-02T03:00:00Z", "replays": 0,
                "envelope": {}}]
            return httpx.Response(200, json={"results": rows, "next": None, "previous": None})
        if path.endswith("/replay/"):
            return httpx.Response(200, json={"id": path.split("/")[-3], "status": "handled"})
        return httpx.Response(404, json={"detail": "no route"})


class FakePipeline:
    def __init__(self, data: dict[str, list[str]]) -> None:
        self.data, self.ops = data, []

    def llen(self, name: str) -> FakePipeline:
        self.ops.append(len(self.data.get(name, [])))
        return self

    def lindex(self, name: str, index: int) -> FakePipeline:
        items = self.data.get(name, [])
        self.ops.append(items[index].encode() if items else None)
        return self

    def execute(self) -> list:
        return self.ops


class FakeRedis:
    def __init__(self, data: dict[str, list[str]] | None = None) -> None:
        self.data = data or {}

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        return FakePipeline(self.data)

    def scan_iter(self, pattern: str, count: int = 0) -> list[str]:
        return ["smart360:heartbeat:cx:beat:host:7"] if ":beat:" in pattern else []

    def mget(self, keys: list[str]) -> list[str]:
        return [f"{time.time() - 3:.3f}" for _ in keys]


@pytest.fixture
def stack(tmp_path):
    return Stack(parse(REPO / "services.toml", port_offset=300), tmp_path / "state")


@pytest.fixture
def gateway():
    return Gateway()


@pytest.fixture
def console(stack, gateway, monkeypatch):
    rows = [ProcessStatus(s, role, f"{s}-{role}", 100 + i, "RUNNING", True, "HTTP 200")
            for i, (s, role) in enumerate((s, r) for s in stack.registry.services
                                          for r in ("web", "web", "worker", "beat"))]
    monkeypatch.setattr(status, "collect", lambda _stack: rows[:27])
    monkeypatch.setattr(status, "servers",
                        lambda _stack: [{"server": "redis", "address": "x", "state": "up"}])
    monkeypatch.setattr(snapshot.MemoryCache, "get",
                        lambda self, _s: ({"web": 900.0, "total": 1500.0}, {"console": 31.5}))
    client = httpx.Client(transport=httpx.MockTransport(gateway), base_url="http://gateway")
    fake = FakeRedis({"cx": ['{"properties":{"delivery_tag":"a"}}']})
    return Console(stack, gateway=client, redis_client=fake)


def sign_in(console, gateway, roles=("ops",)) -> str:
    status_code, headers, _ = call(console, "POST", "/ops/login", form={"token": gateway.issue(list(roles))})
    assert status_code == 303, headers
    return headers["Set-Cookie"].split(";")[0].split("=", 1)[1]


# -- sign-in -------------------------------------------------------------------------------
def test_every_page_but_login_asks_to_sign_in(console):
    for path in ("/ops/", "/ops/jobs/", "/ops/dead-letters/", "/ops/dashboard/"):
        status_code, headers, _ = call(console, "GET", path)
        assert (status_code, headers["Location"]) == (303, "/ops/login"), path
    assert call(console, "GET", "/")[1]["Location"] == "/ops/"
    assert call(console, "GET", "/ops/healthz")[0] == 200
    assert "Access token" in call(console, "GET", "/ops/login")[2]


def test_a_token_with_the_ops_or_staff_role_opens_a_session_in_an_httponly_cookie(console, gateway):
    for roles in (["ops"], ["staff"]):
        status_code, headers, _ = call(console, "POST", "/ops/login", form={"token": gateway.issue(roles)})
        assert status_code == 303
        cookie = headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert "Path=/ops/" in cookie
        assert gateway.issue(roles) not in cookie  # the token stays on the server


@pytest.mark.parametrize("roles", [["admin"], ["clerk"], []])
def test_a_tenant_users_token_is_refused(console, gateway, roles):
    status_code, headers, text = call(console, "POST", "/ops/login", form={"token": gateway.issue(roles)})
    assert status_code == 401
    assert "Set-Cookie" not in headers
    assert "platform operators" in text


def test_a_bad_token_is_refused_and_email_password_works(console, gateway):
    status_code, _, text = call(console, "POST", "/ops/login", form={"token": "not-a-token"})
    assert status_code == 401
    assert "not valid" in text
    status_code, _, text = call(console, "POST", "/ops/login",
                                form={"email": "ops@example.com", "password": "wrong"})
    assert status_code == 401
    assert "Wrong email or password" in text
    status_code, headers, _ = call(console, "POST", "/ops/login",
                                   form={"email": "ops@example.com", "password": "right"})
    assert status_code == 303
    assert COOKIE in headers["Set-Cookie"]


def test_a_session_renews_its_token_with_the_refresh_token_before_it_expires(gateway):
    now = [1000.0]
    renewed = token(["ops"], exp=5000)
    gateway.tokens[renewed] = ["ops"]

    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/api/v1/token/refresh/":
            return httpx.Response(200, json={"access": renewed, "refresh": "r2"})
        return gateway(request)

    client = httpx.Client(transport=httpx.MockTransport(transport), base_url="http://g")
    auth = Auth(client, clock=lambda: now[0])
    first = token(["ops"], exp=1100)
    gateway.tokens[first] = ["ops"]
    sid, session = auth.login_token(first, refresh="r1")
    now[0] = 1050.0  # 50 s before exp: renewed
    assert auth.session(sid) is session
    assert session.token == renewed
    assert session.refresh == "r2"
    pasted_sid, pasted = auth.login_token(gateway.issue(["ops"]))
    pasted.expires_at = now[0] + 10  # a pasted token without refresh: the session ends with it
    assert auth.session(pasted_sid) is None


def test_login_refused_says_why(gateway):
    auth = Auth(httpx.Client(transport=httpx.MockTransport(gateway), base_url="http://g"))
    with pytest.raises(LoginRefused, match="Paste"):
        auth.login_token("  ")


def test_logout_ends_the_session_and_needs_the_csrf_token(console, gateway):
    sid = sign_in(console, gateway)
    assert call(console, "POST", "/ops/logout", cookie=sid, form={"csrf": "forged"})[0] == 403
    session = console.auth.sessions[sid]
    status_code, headers, _ = call(console, "POST", "/ops/logout", cookie=sid, form={"csrf": session.csrf})
    assert status_code == 303
    assert "Max-Age=0" in headers["Set-Cookie"]
    assert call(console, "GET", "/ops/", cookie=sid)[0] == 303


# -- pages -----------------------------------------------------------------------------------
def test_overview_shows_every_process_queue_beat_revision_and_the_memory(console, gateway):
    sid = sign_in(console, gateway)
    status_code, headers, text = call(console, "GET", "/ops/", cookie=sid)
    assert status_code == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "27/27 healthy" in text
    assert text.count("<td><span class=\"badge ok\">healthy</span></td>") == 27
    assert 'data-refresh="5"' in text
    assert 'http-equiv="refresh"' in text
    assert "1500 MB of" in text
    assert "this console: 32 MB" in text
    for name in console.stack.registry.services:
        assert f"<td>{name}</td>" in text
    assert "https://" not in text  # nothing from a CDN
    assert "task-definitions" not in text or "bifrost" in text


def test_jobs_page_lists_every_services_jobs_and_run_now_calls_the_ops_api_as_the_operator(console, gateway):
    sid = sign_in(console, gateway)
    text = call(console, "GET", "/ops/jobs/", cookie=sid)[2]
    assert text.count("smart360.purge_idempotency_keys") >= 9
    assert text.count("Run now") == len(console.stack.registry.services)
    csrf = console.auth.sessions[sid].csrf
    assert call(console, "POST", "/ops/jobs/cx/smart360.purge_idempotency_keys/run", cookie=sid,
                form={"csrf": "x"})[0] == 403
    status_code, headers, _ = call(console, "POST", "/ops/jobs/cx/smart360.purge_idempotency_keys/run",
                                   cookie=sid, form={"csrf": csrf})
    assert (status_code, headers["Location"]) == (303, "/ops/jobs/")
    run = gateway.calls[-1]
    assert run.url.path == "/cx/api/v1/ops/jobs/smart360.purge_idempotency_keys/run/"
    assert run.headers["authorization"] == f"Bearer {console.auth.sessions[sid].token}"
    text = call(console, "GET", "/ops/jobs/", cookie=sid)[2]
    assert "cx smart360.purge_idempotency_keys: ok" in text
    assert "&quot;purged&quot;: 3" in text


def test_dead_letters_page_lists_and_replays(console, gateway):
    sid = sign_in(console, gateway)
    text = call(console, "GET", "/ops/dead-letters/", cookie=sid)[2]
    assert "cx.consumer_created.v1" in text
    assert "Replay" in text
    csrf = console.auth.sessions[sid].csrf
    path = "/ops/dead-letters/cx/6f1c1f3e-4b1a-4c55-9f1e-1c2b3a4d5e6f/replay"
    assert call(console, "POST", path, cookie=sid, form={"csrf": csrf})[0] == 303
    assert gateway.calls[-1].url.path == f"/cx/api/v1/ops/events/dead/{path.split('/')[4]}/replay/"
    assert ": handled" in call(console, "GET", "/ops/dead-letters/", cookie=sid)[2]


def test_dashboard_charts_queue_depth_and_says_when_prometheus_is_off(console, gateway):
    sid = sign_in(console, gateway)
    console.sample()
    console.sample()
    text = call(console, "GET", "/ops/dashboard/", cookie=sid)[2]
    assert text.count("--with-metrics") == 2  # request rate and p99 need Prometheus
    assert "<svg" in text
    assert "<polyline" in text


# -- rendering -------------------------------------------------------------------------------
def test_values_are_escaped():
    row = ProcessStatus("cx", "web", "<script>alert(1)</script>", 1, "RUNNING", False, '"><img src=x>')
    text = render.processes_table([row])
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text
    assert "<img" not in text
    assert "0/1 healthy" in text


def test_chart_draws_one_line_per_series_scaled_to_the_largest_value():
    svg = render.chart("rate", {"cx": [(0, 1.0), (60, 4.0)], "mx": [(0, 2.0), (60, 0.0)]})
    assert svg.count("<polyline") == 2
    assert ">4<" in svg
    assert "No samples" in render.chart("rate", {})


def test_queues_report_depth_and_how_long_the_head_message_has_waited(stack):
    clock = [100.0]
    tracker = snapshot.OldestTracker(clock=lambda: clock[0])
    fake = FakeRedis({"cx": ['{"properties":{"delivery_tag":"b"}}', '{"properties":{"delivery_tag":"a"}}'],
                      "mx": ['{"headers":{"smart360_sent_at":%f}}' % (time.time() - 42)]})
    rows = {r.queue: r for r in snapshot.queues(stack, fake, tracker)}
    assert (rows["cx"].depth, rows["cx"].oldest_age) == (2, 0.0)
    assert rows["mx"].oldest_exact
    assert 41 <= rows["mx"].oldest_age <= 60
    assert rows["bx"].oldest_age is None
    clock[0] = 130.0
    rows = {r.queue: r for r in snapshot.queues(stack, fake, tracker)}
    assert rows["cx"].oldest_age == 30.0
    assert not rows["cx"].oldest_exact
    assert "≥ 30s" in render.queues_table(list(rows.values()))


def test_revisions_come_from_the_bifrost_task_definitions(stack):
    rows = snapshot.revisions(stack)
    assert [r.service for r in rows] == list(stack.registry.services)
    assert all(len(r.digest) == 12 for r in rows)


def test_the_gateway_root_goes_to_the_console_and_supervisord_runs_it(stack):
    cfg = configs.haproxy_cfg(stack)
    assert "http-request redirect location /ops/ code 302 if { path / }" in cfg
    assert "use_backend console if { path_beg /ops/ }" in cfg
    assert f"server console 127.0.0.1:{configs.console_port(stack)}" in cfg
    conf = configs.supervisord_conf(stack)
    assert f"-m smart360.console --port {configs.console_port(stack)}" in conf
    assert "console" in configs.helper_names(stack)


def test_the_session_cookie_is_httponly_strict_and_scoped():
    assert cookie_header("abc") == f"{COOKIE}=abc; Path=/ops/; HttpOnly; SameSite=Strict"


def test_a_server_is_up_only_when_all_its_backends_or_targets_are():
    assert render.server_ok("up")
    assert render.server_ok("18/18 web instances UP")
    assert render.server_ok("39/39 targets up")
    assert not render.server_ok("17/18 web instances UP")
    assert not render.server_ok("DOWN (ConnectError)")
    assert not render.server_ok("0/0 targets up")
