"""The console's WSGI app: routes, the session check, and the few actions (run a job, replay)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx
import redis

from smart360.console import render, snapshot
from smart360.console.sessions import Auth, LoginRefused, Session, cookie_header, cookie_value
from smart360.observability import spanstore
from smart360.stack import status
from smart360.stack.layout import Stack

StartResponse = Callable[..., Any]
PREFIX = "/ops/"
SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
]
MAX_BODY = 64 * 1024
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")  # what smart360.requestid accepts


@dataclass
class Response:
    status: str
    body: bytes = b""
    headers: list[tuple[str, str]] | None = None
    content_type: str = "text/html; charset=utf-8"


def html(body: str, status: str = "200 OK", headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, body.encode(), headers)


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response("303 See Other", b"", [("Location", location), *(headers or [])])


class Console:
    def __init__(self, stack: Stack, *, gateway: httpx.Client | None = None,
                 redis_client: redis.Redis | None = None, sample_every: float = 5.0) -> None:
        self.stack = stack
        self.gateway = gateway or httpx.Client(base_url=stack.gateway_url, timeout=10.0)
        self.redis = redis_client or redis.Redis.from_url(stack.redis_url, socket_timeout=2,
                                                             decode_responses=True)
        self.auth = Auth(self.gateway)
        self.tracker = snapshot.OldestTracker()
        self.history = snapshot.History()
        self.memory = snapshot.MemoryCache()
        self.sample_every = sample_every
        self._sampler: threading.Thread | None = None

    # -- the queue-depth sampler (the dashboard's third chart) ----------------------------
    def start_sampler(self) -> None:
        def loop() -> None:
            while True:
                self.sample()
                time.sleep(self.sample_every)

        self._sampler = threading.Thread(target=loop, name="queue-sampler", daemon=True)
        self._sampler.start()

    def sample(self) -> list[snapshot.QueueRow]:
        try:
            rows = snapshot.queues(self.stack, self.redis, self.tracker)
        except redis.RedisError:
            return []
        depths: dict[str, int] = {}
        for row in rows:
            depths[row.service] = depths.get(row.service, 0) + row.depth
        self.history.add(time.time(), depths)
        return rows

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self.route(environ)
        except Exception as exc:  # a page fails, the console stays up
            response = html(render.layout("Error", "", f"<p>{render.e(type(exc).__name__)}: "
                                          f"{render.e(exc)}</p>"), "500 Internal Server Error")
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))),
                   *SECURITY_HEADERS, *(response.headers or [])]
        start_response(response.status, headers)
        return [response.body]

    def route(self, environ: dict[str, Any]) -> Response:
        path, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD", "GET")
        if path in ("/", "/ops"):
            return redirect(PREFIX)
        if path == "/ops/healthz":
            return Response("200 OK", b'{"status":"ok"}', content_type="application/json")
        if path == "/ops/static/console.css":
            return Response("200 OK", render.CSS.encode(), [("Cache-Control", "max-age=300")], "text/css")
        if path == "/ops/static/console.js":
            return Response("200 OK", render.JS.encode(), [("Cache-Control", "max-age=300")],
                            "application/javascript")
        if path == "/ops/login":
            return self.login(environ) if method == "POST" else html(render.login_page())
        sid = cookie_value(environ.get("HTTP_COOKIE", ""))
        session = self.auth.session(sid)
        if session is None or sid is None:
            return redirect("/ops/login")
        if method == "POST":
            form = self.form(environ)
            if form.get("csrf") != session.csrf:
                stale = render.layout("Refused", "", "<p>Stale form: reload the page.</p>")
                return html(stale, "403 Forbidden")
            if path == "/ops/logout":
                self.auth.logout(sid)
                return redirect("/ops/login", [("Set-Cookie", cookie_header("", max_age=0))])
            match = re.fullmatch(r"/ops/jobs/([a-z0-9]+)/([\w.:-]+)/run", path)
            if match:
                return self.run_job(session, *match.groups())
            match = re.fullmatch(r"/ops/dead-letters/([a-z0-9]+)/([0-9a-f-]{36})/replay", path)
            if match:
                return self.replay(session, *match.groups())
            return html(render.layout("Not found", "", "<p>No such action.</p>"), "404 Not Found")
        if path == "/ops/traces/":
            return self.traces(session, environ.get("QUERY_STRING", ""))
        match = re.fullmatch(r"/ops/traces/([^/]+)", path)
        if match and REQUEST_ID.fullmatch(match.group(1)):
            return self.trace(session, match.group(1))
        pages = {"/ops/": self.overview, "/ops/jobs/": self.jobs, "/ops/dead-letters/": self.dead_letters,
                 "/ops/dashboard/": self.dashboard}
        page = pages.get(path)
        if page is None:
            return html(render.layout("Not found", "", "<p>No such page.</p>", user=session.email,
                                      csrf=session.csrf), "404 Not Found")
        return page(session)

    @staticmethod
    def form(environ: dict[str, Any]) -> dict[str, str]:
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""
        return {k: v[0] for k, v in parse_qs(body).items()}

    def page(self, session: Session, title: str, active: str, body: str, refresh: int = 5) -> Response:
        flash, session.flash = session.flash, []
        return html(render.layout(title, active, body, user=session.email, csrf=session.csrf,
                                  refresh=refresh, flash=flash))

    # -- pages -------------------------------------------------------------------------------
    def login(self, environ: dict[str, Any]) -> Response:
        form = self.form(environ)
        try:
            if form.get("token", "").strip():
                sid, _ = self.auth.login_token(form["token"])
            else:
                sid, _ = self.auth.login_password(form.get("email", ""), form.get("password", ""))
        except LoginRefused as exc:
            return html(render.login_page(str(exc)), "401 Unauthorized")
        return redirect(PREFIX, [("Set-Cookie", cookie_header(sid))])

    def overview(self, session: Session) -> Response:
        try:
            beats = snapshot.beats(self.redis)
        except redis.RedisError:
            beats = []
        usage, programs = self.memory.get(self.stack)
        body = render.overview(
            processes=status.collect(self.stack), queues=self.sample(), beats=beats,
            revisions=snapshot.revisions(self.stack), usage=usage, programs=programs,
            budget=self.stack.registry.local.memory_budget_mb, services=list(self.stack.registry.services),
            servers=status.servers(self.stack), now=time.time())
        return self.page(session, "Overview", "overview", body)

    def jobs(self, session: Session) -> Response:
        results = snapshot.every_service(self.stack, self.gateway, session.token, "jobs/")
        return self.page(session, "Scheduled jobs", "jobs", render.jobs(results, session.csrf), refresh=10)

    def dead_letters(self, session: Session) -> Response:
        results = snapshot.every_service(self.stack, self.gateway, session.token, "events/dead/")
        return self.page(session, "Dead-lettered events", "dead",
                         render.dead_letters(results, session.csrf), refresh=10)

    def dashboard(self, session: Session) -> Response:
        on = self.stack.with_metrics
        rate = snapshot.prometheus_range(self.stack, snapshot.REQUEST_RATE) if on else None
        p99 = snapshot.prometheus_range(self.stack, snapshot.P99) if on else None
        body = render.dashboard(rate, p99, self.history.series())
        return self.page(session, "Dashboard", "dashboard", body, refresh=15)

    def traces(self, session: Session, query: str) -> Response:
        wanted = parse_qs(query).get("request_id", [""])[0].strip()
        if wanted:
            if REQUEST_ID.fullmatch(wanted):
                return redirect(f"/ops/traces/{wanted}")
            session.flash.append(("bad", "A request id is 1 to 128 letters, digits and ._:-"))
        try:
            recent: list[spanstore.Recent] | None = spanstore.recent(self.redis)
        except redis.RedisError:
            recent = None
        body = render.traces(recent, on=self.stack.with_traces, now=time.time())
        return self.page(session, "Traces", "traces", body, refresh=10)

    def trace(self, session: Session, request_id: str) -> Response:
        try:
            spans = spanstore.spans_of(self.redis, request_id)
        except redis.RedisError as exc:
            session.flash.append(("bad", f"Redis: {exc}"))
            spans = []
        return self.page(session, f"Request {request_id}", "traces", render.trace(request_id, spans),
                         refresh=10)

    # -- actions ---------------------------------------------------------------------------
    def run_job(self, session: Session, service: str, name: str) -> Response:
        if service not in self.stack.registry.services:
            return html(render.layout("Not found", "", "<p>No such service.</p>"), "404 Not Found")
        result = snapshot.ops_post(self.gateway, session.token, service, f"jobs/{name}/run/",
                                   {"wait_seconds": 45})
        if result.ok:
            data = result.data
            session.flash.append(("ok" if data.get("status") == "ok" else "bad",
                                  f"{service} {name}: {data.get('status')} — "
                                  f"{render._short(data.get('result'), 300)}"))
        else:
            session.flash.append(("bad", f"{service} {name}: {result.error}"))
        return redirect("/ops/jobs/")

    def replay(self, session: Session, service: str, event_id: str) -> Response:
        if service not in self.stack.registry.services:
            return html(render.layout("Not found", "", "<p>No such service.</p>"), "404 Not Found")
        result = snapshot.ops_post(self.gateway, session.token, service,
                                   f"events/dead/{event_id}/replay/", {})
        session.flash.append(("ok", f"{service} {event_id}: handled") if result.ok
                             else ("bad", f"{service} {event_id}: {result.error}"))
        return redirect("/ops/dead-letters/")
