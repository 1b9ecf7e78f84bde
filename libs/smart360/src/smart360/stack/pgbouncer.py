"""PgBouncer in transaction pooling mode: all application database traffic goes through it."""

from __future__ import annotations

import os
import shutil
import signal

import psycopg

from smart360.stack import configs
from smart360.stack.layout import Stack
from smart360.stack.system import (
    binary,
    owned_dir,
    pid_alive,
    read_pid,
    start_background,
    stop_pid,
    wait_until,
)


def _pidfile(stack: Stack) -> os.PathLike[str]:
    return stack.db_path("pgbouncer", "pgbouncer.pid")


def is_ready(stack: Stack) -> bool:
    """A real query through PgBouncer (with -d it exits 0 even when it failed to start)."""
    svc = next(iter(stack.registry.services.values()))
    with psycopg.connect(host="127.0.0.1", port=stack.port("pgbouncer"), dbname=svc.database,
                         user=svc.db_role, password=stack.db_password(svc), connect_timeout=2,
                         prepare_threshold=None) as conn:
        return conn.execute("SELECT 1").fetchone() == (1,)


def write_config(stack: Stack) -> None:
    folder = owned_dir(stack, "pgbouncer")
    folder.chmod(0o700)
    for name, text in (("pgbouncer.ini", configs.pgbouncer_ini(stack)),
                       ("userlist.txt", configs.pgbouncer_userlist(stack))):
        path = folder / name
        path.write_text(text)
        path.chmod(0o600)
        if os.geteuid() == 0 and stack.db_user != "root":
            shutil.chown(path, stack.db_user, stack.db_user)


def start(stack: Stack) -> None:
    write_config(stack)
    pid = read_pid(stack.db_path("pgbouncer", "pgbouncer.pid"))
    if pid is not None and pid_alive(pid):
        os.kill(pid, signal.SIGHUP)  # reload: new services, new passwords
    else:
        start_background([binary("pgbouncer"), str(stack.db_path("pgbouncer", "pgbouncer.ini"))],
                         log=stack.logs / "pgbouncer.out", user=stack.db_user)
    wait_until(lambda: is_ready(stack), 20, "PgBouncer to answer a query")


def stop(stack: Stack) -> None:
    stop_pid(read_pid(stack.db_path("pgbouncer", "pgbouncer.pid")), timeout=10)
