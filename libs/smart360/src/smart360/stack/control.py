"""Bring the local stack up and down, and restart one service without failing a request."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from smart360.registry import IDENTITY_SERVICE, Service
from smart360.stack import (
    configs,
    haproxy,
    pgbouncer,
    postgres,
    prometheus,
    redis_server,
    runtime,
    status,
)
from smart360.stack.layout import Stack
from smart360.stack.supervisor import Supervisor
from smart360.stack.system import StackError, ensure_packages, wait_until

Say = Callable[[str], None]


def start_servers(stack: Stack, say: Say) -> None:
    """PostgreSQL, Redis, PgBouncer: what the test suites need, without the app processes."""
    ensure_packages(say)
    for folder in (stack.state_dir, stack.logs, stack.run, stack.mail_dir):
        folder.mkdir(parents=True, exist_ok=True)
    say(f"postgres  127.0.0.1:{stack.port('postgres')}")
    postgres.start(stack)
    postgres.provision(stack)
    say(f"redis     127.0.0.1:{stack.port('redis')}")
    redis_server.start(stack)
    say(f"pgbouncer 127.0.0.1:{stack.port('pgbouncer')} (transaction pooling)")
    pgbouncer.start(stack)


def _manage(stack: Stack, svc: Service, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(runtime.bindir(stack) / "python"), "manage.py", *args],
        cwd=stack.registry.root / "services" / svc.name, env=stack.service_env(svc, "migrate"),
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )


def migrate(stack: Stack, say: Say, services: list[Service] | None = None) -> None:
    """Every service's migrations (through PgBouncer), three at a time; the identity service
    first, and its service accounts as soon as it is migrated, beside the others.

    --skip-checks: the system checks run in `make lint` and every test suite; here they would
    load each service's URLconf and admin once more (~0.5 s of CPU each)."""
    targets = sorted(services or stack.registry.services.values(),
                     key=lambda svc: svc.name != IDENTITY_SERVICE)
    identity = stack.registry.services.get(IDENTITY_SERVICE)
    accounts = "creating service accounts"
    with ThreadPoolExecutor(max_workers=3) as pool:
        pending = {pool.submit(_manage, stack, svc, "migrate", "--noinput", "--skip-checks"):
                   f"migrations of {svc.name}" for svc in targets}
        if identity is not None and identity not in targets:
            pending[pool.submit(_manage, stack, identity, "service_accounts")] = accounts
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                what, result = pending.pop(future), future.result()
                if result.returncode != 0:
                    raise StackError(f"{what} failed:\n{result.stderr[-2000:]}")
                if identity is not None and what == f"migrations of {identity.name}":
                    pending[pool.submit(_manage, stack, identity, "service_accounts")] = accounts
    say(f"migrated  {len(targets)} databases")


def wait_healthy(stack: Stack, timeout: float = 240) -> list[status.ProcessStatus]:
    expected = len(configs.program_names(stack)) - len(configs.helper_names(stack))

    def ready() -> bool:
        rows = status.collect(stack)
        return len(rows) == expected and all(r.healthy for r in rows)

    wait_until(ready, timeout, "every web, worker and beat to be healthy", interval=1.0)
    wait_until(lambda: haproxy.all_servers_up(stack), 60, "HAProxy's health checks to pass")
    wait_until(lambda: status.flower_ready(stack), 60, "Flower to answer")
    if stack.with_metrics:
        wait_until(lambda: status.prometheus_ready(stack), 60, "Prometheus to be ready")
    return status.collect(stack)


def up(stack: Stack, say: Say) -> list[status.ProcessStatus]:
    started = time.monotonic()
    stack.record_choices()
    start_servers(stack, say)
    if stack.with_metrics:
        ensure_packages(say, extra={"prometheus": prometheus.PACKAGE})
        prometheus.write_config(stack)
    runtime.ensure(stack)  # the processes' virtualenv (no dev packages); a no-op when current
    migrate(stack, say)
    say(f"haproxy   {stack.gateway_url} (stats http://127.0.0.1:{stack.port('haproxy_stats')}/stats)")
    haproxy.start(stack)
    say(f"smtp      127.0.0.1:{stack.port('smtp')} (dev mail, `smart360 mail`)")
    say(f"flower    {stack.gateway_url}/flower/ (user {configs.FLOWER_USER})")
    if stack.with_metrics:
        say(f"prometheus http://127.0.0.1:{stack.port('prometheus')}/ (scrapes every process)")
    say(f"supervisord: {len(configs.program_names(stack))} programs")
    Supervisor(stack).launch()
    rows = wait_healthy(stack)
    say(f"all healthy in {time.monotonic() - started:.1f}s")
    return rows


def seed_demo(stack: Stack, say: Say) -> dict[str, str]:
    """The demo tenant and its admin, through the public APIs (dev only; idempotent)."""
    from smart360.demo import seed_demo as seed

    creds = seed(stack.gateway_url, maildir=stack.mail_dir)
    say(f"demo admin: {creds['email']} / {creds['password']} (tenant {creds['tenant']})")
    return creds


def down(stack: Stack, say: Say) -> None:
    sup = Supervisor(stack)
    if sup.is_running():
        say("stopping the app processes (graceful)")
    sup.shutdown()
    for name, server in (("haproxy", haproxy), ("pgbouncer", pgbouncer),
                         ("redis", redis_server), ("postgres", postgres)):
        say(f"stopping {name}")
        server.stop(stack)


def _drain_then_restart(stack: Stack, sup: Supervisor, svc: Service, instance: int, say: Say) -> None:
    program, server = f"{svc.name}-web-{instance}", f"web{instance}"

    def row() -> dict[str, str]:
        return haproxy.server_row(stack, svc.name, server)

    if stack.registry.local.web_instances == 1:
        # Nowhere to drain to (lite profile): restart in place; HAProxy's retries cover part
        # of the gap, requests that outlast them fail.
        sup.restart(program)
        wait_until(lambda: row()["check_status"] == "L7OK" and row()["status"] == "UP", 60,
                   f"{program} to pass its health check")
        say(f"restarted {program} (single instance: not drained)")
        return
    haproxy.set_state(stack, svc.name, server, "drain")
    try:
        # Requests in flight on this instance finish; new ones go to the others.
        wait_until(lambda: row()["scur"] == "0", 30, f"{program} to drain")
        sup.restart(program)
        wait_until(lambda: row()["check_status"] == "L7OK" and row()["status"] in ("UP", "DRAIN"),
                   60, f"{program} to pass its health check")
    finally:
        # Even after a failed restart: back in rotation as soon as its checks pass again.
        haproxy.set_state(stack, svc.name, server, "ready")
    wait_until(lambda: row()["status"] == "UP", 30, f"{program} to be back in rotation")
    say(f"restarted {program}")


def restart(stack: Stack, service: str, say: Say) -> None:
    """Rolling restart: each web instance drained in HAProxy first, then worker, then beat."""
    svc = stack.registry.service(service)
    sup = Supervisor(stack)
    if not sup.is_running():
        raise StackError("the local stack is not running; `make up` first")
    for instance in range(stack.registry.local.web_instances):
        _drain_then_restart(stack, sup, svc, instance, say)
    for role in ("worker", "beat"):  # a worker's warm shutdown finishes its current task
        sup.restart(f"{svc.name}-{role}")
        say(f"restarted {svc.name}-{role}")
