"""Create every service's login role and database in RDS, idempotently, with the same isolation
as the local stack: only the service's own role may CONNECT to its database.

Runs as the one-off `db-bootstrap` task (`smart360 bootstrap-aws`):
    python -m smart360.deploy.dbbootstrap
with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (RDS's master secret) and PASSWORD_<db_role> (each
service's database-password secret) injected by ECS. Safe to run again: existing roles get their
password re-set (this is also how a changed password reaches RDS), existing databases are kept.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tenant:
    role: str
    database: str
    password: str


def password_variable(db_role: str) -> str:
    return f"PASSWORD_{db_role}"


def provision(conn: Any, tenants: Iterable[Tenant]) -> list[str]:
    """What was done, one line per step. `conn` is an autocommit psycopg connection of an admin
    that has CREATEROLE and CREATEDB but is not a superuser (RDS's master user)."""
    from psycopg import sql

    done = []
    for t in tenants:
        role, db = sql.Identifier(t.role), sql.Identifier(t.database)
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [t.role]).fetchone()
        verb = sql.SQL("ALTER") if exists else sql.SQL("CREATE")
        conn.execute(sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(verb, role, sql.Literal(t.password)))
        done.append(f"{'updated' if exists else 'created'} role {t.role}")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [t.database]).fetchone():
            # A non-superuser may only create a database owned by a role it is a member of.
            conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(db, role))
            done.append(f"created database {t.database}")
        conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(db))
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))
    return done


def tenants_from_environment(environ: dict[str, str]) -> list[Tenant]:
    from smart360.registry import load

    found = []
    for svc in load().services.values():
        password = environ.get(password_variable(svc.db_role), "")
        if not password:
            raise SystemExit(f"{password_variable(svc.db_role)} is not set")
        found.append(Tenant(svc.db_role, svc.database, password))
    return found


def main() -> int:
    import psycopg

    environ = dict(os.environ)
    tenants = tenants_from_environment(environ)
    with psycopg.connect(host=environ["DB_HOST"], port=int(environ.get("DB_PORT", "5432")),
                         user=environ["DB_USER"], password=environ["DB_PASSWORD"],
                         dbname="postgres", sslmode="require", autocommit=True) as conn:
        for line in provision(conn, tenants):
            print(line)  # noqa: T201 (the task's log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
