"""HAProxy, the local gateway: routes /<name>/ to the service's web instances, health-checked."""

from __future__ import annotations

import csv
import io
import socket

from smart360.stack import configs
from smart360.stack.layout import Stack
from smart360.stack.system import binary, pid_alive, read_pid, run, stop_pid, wait_until


def command(stack: Stack, line: str) -> str:
    """One command on HAProxy's admin socket (show stat, set server ...)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(stack.run / "haproxy.sock"))
        sock.sendall(line.encode() + b"\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def servers(stack: Stack) -> list[dict[str, str]]:
    """Rows of `show stat` for each backend server (status, check_status, scur, ...)."""
    text = command(stack, "show stat").lstrip("# ")
    rows = csv.DictReader(io.StringIO(text))
    return [r for r in rows if r["svname"] not in ("FRONTEND", "BACKEND")]


def server_row(stack: Stack, backend: str, server: str) -> dict[str, str]:
    for row in servers(stack):
        if row["pxname"] == backend and row["svname"] == server:
            return row
    raise KeyError(f"{backend}/{server}")


def set_state(stack: Stack, backend: str, server: str, state: str) -> None:
    reply = command(stack, f"set server {backend}/{server} state {state}").strip()
    if reply:
        raise RuntimeError(f"haproxy: {reply}")


def all_servers_up(stack: Stack) -> bool:
    """UP *and* a passed layer-7 check: HAProxy shows UP before its first check has run."""
    rows = [r for r in servers(stack) if r["pxname"] in stack.registry.services]
    return bool(rows) and all(r["status"] == "UP" and r["check_status"] == "L7OK" for r in rows)


def start(stack: Stack) -> None:
    cfg = stack.path("haproxy.cfg")
    cfg.write_text(configs.haproxy_cfg(stack))
    run([binary("haproxy"), "-c", "-q", "-f", str(cfg)])
    pidfile = stack.run / "haproxy.pid"
    pid = read_pid(pidfile)
    cmd = [binary("haproxy"), "-f", str(cfg), "-D", "-p", str(pidfile)]
    if pid_alive(pid):
        cmd += ["-sf", str(pid)]  # graceful reload: the old process finishes its connections
    run(cmd)
    wait_until(lambda: (stack.run / "haproxy.sock").exists() and bool(servers(stack)), 15,
               "HAProxy")


def stop(stack: Stack) -> None:
    stop_pid(read_pid(stack.run / "haproxy.pid"), timeout=10)
