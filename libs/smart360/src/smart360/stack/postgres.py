"""PostgreSQL: one cluster in the state folder; one database and one login role per service."""

from __future__ import annotations

import psycopg

from smart360.stack.layout import Stack
from smart360.stack.system import binary, owned_dir, run, wait_until

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "300",
    "shared_buffers": "128MB",
    "fsync": "off",  # local data is disposable; the stack starts and migrates much faster
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "password_encryption": "'scram-sha-256'",
}


def data_dir(stack: Stack) -> str:
    return str(stack.db_path("postgres", "data"))


def socket_dir(stack: Stack) -> str:
    return str(stack.db_path("postgres"))


def is_ready(stack: Stack) -> bool:
    result = run([binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(stack.port("postgres"))],
                 check=False, timeout=10)
    return result.returncode == 0


def start(stack: Stack) -> None:
    owned_dir(stack, "postgres").chmod(0o700)  # its trust-auth socket lives here
    if not stack.db_path("postgres", "data", "PG_VERSION").exists():
        run([binary("initdb"), "-D", data_dir(stack), "-U", "postgres", "-E", "UTF8",
             "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"],
            user=stack.db_user, timeout=120)
    settings = {**SETTINGS, "port": str(stack.port("postgres")),
                "unix_socket_directories": f"'{socket_dir(stack)}'"}
    conf = stack.db_path("postgres", "data", "postgresql.auto.conf")
    conf.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    if is_ready(stack):
        return
    log = stack.db_path("postgres", "postgres.log")
    # pg_ctl -w: returns once the server accepts connections (or fails with the log's reason)
    run([binary("pg_ctl"), "-D", data_dir(stack), "-l", str(log), "-w", "-t", "60", "start"],
        user=stack.db_user, timeout=90)
    wait_until(lambda: is_ready(stack), 30, "PostgreSQL")


def stop(stack: Stack) -> None:
    if stack.db_path("postgres", "data", "postmaster.pid").exists():
        run([binary("pg_ctl"), "-D", data_dir(stack), "-m", "fast", "-w", "stop"],
            user=stack.db_user, check=False, timeout=60)


def admin_connection(stack: Stack) -> psycopg.Connection:
    return psycopg.connect(host=socket_dir(stack), port=stack.port("postgres"), user="postgres",
                           dbname="postgres", autocommit=True)


def provision(stack: Stack) -> None:
    """Create (or update) each service's role and database; only its role may connect to it."""
    from psycopg import sql

    with admin_connection(stack) as conn:
        for svc in stack.registry.services.values():
            role, db = sql.Identifier(svc.db_role), sql.Identifier(svc.database)
            password = sql.Literal(stack.db_password(svc))
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [svc.db_role])
            verb = sql.SQL("ALTER") if exists.fetchone() else sql.SQL("CREATE")
            # CREATEDB: the service's test suite creates its own test database (local only).
            conn.execute(sql.SQL("{} ROLE {} LOGIN CREATEDB PASSWORD {}").format(verb, role, password))
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [svc.database])
            if not found.fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(db, role))
            conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(db))
            conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))
