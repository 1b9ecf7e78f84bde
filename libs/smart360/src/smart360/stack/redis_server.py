"""Redis: the broker, beat lock/schedule, heartbeats and caches, in-memory only."""

from __future__ import annotations

from smart360.stack.layout import Stack
from smart360.stack.system import binary, read_pid, run, stop_pid, wait_until


def is_ready(stack: Stack) -> bool:
    result = run([binary("redis-cli"), "-p", str(stack.port("redis")), "ping"], check=False,
                 timeout=5)
    return result.stdout.strip() == "PONG"


def start(stack: Stack) -> None:
    if is_ready(stack):
        return
    stack.path("redis").mkdir(parents=True, exist_ok=True)
    run([binary("redis-server"), "--port", str(stack.port("redis")), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(stack.path("redis")),
         "--daemonize", "yes", "--pidfile", str(stack.run / "redis.pid"),
         "--logfile", str(stack.logs / "redis.log")])
    wait_until(lambda: is_ready(stack), 20, "Redis")


def stop(stack: Stack) -> None:
    pid = read_pid(stack.run / "redis.pid")
    run([binary("redis-cli"), "-p", str(stack.port("redis")), "shutdown", "nosave"], check=False,
        timeout=10)
    stop_pid(pid, timeout=10)
