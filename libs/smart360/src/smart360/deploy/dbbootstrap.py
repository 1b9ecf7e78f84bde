"""Create every service's login role and database in RDS, idempotently, with the same isolation
as the local stack: only the service's own role may CONNECT to its database.

Runs as the one-off `db-bootstrap` task (`smart360 bootstrap-aws`):
    python -m smart360.deploy.dbbootstrap
with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (RDS's master secret) and, per service, the
username and password of its `database-login` secret (LOGIN_USER_<db_role>,
LOGIN_PASSWORD_<db_role>): the credentials PgBouncer logs in to RDS with. Safe to run again:
existing roles get that password re-set, existing databases are kept.

The login secrets rotate with Secrets Manager's alternating-users scheme: the rotation function
switches the secret between `<db_role>` and `<db_role>_clone`, so the credentials PgBouncer
still holds stay valid until the next rotation. The clone is created here, a member of the
role and with `role` set to it for every session, so whatever the clone creates (migrations)
belongs to `<db_role>` and works the same after the next switch back.
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
    login: str = ""  # the user the login secret names now: role or its clone (default: role)

    @property
    def clone(self) -> str:
        return clone_role(self.role)


def clone_role(db_role: str) -> str:
    """The alternating user Secrets Manager's multi-user PostgreSQL rotation switches to."""
    return f"{db_role}_clone"


def password_variable(db_role: str) -> str:
    return f"LOGIN_PASSWORD_{db_role}"


def user_variable(db_role: str) -> str:
    return f"LOGIN_USER_{db_role}"


def provision(conn: Any, tenants: Iterable[Tenant]) -> list[str]:
    """What was done, one line per step. `conn` is an autocommit psycopg connection of an admin
    that has CREATEROLE and CREATEDB but is not a superuser (RDS's master user)."""
    from psycopg import sql

    done = []
    for t in tenants:
        role, db = sql.Identifier(t.role), sql.Identifier(t.database)
        login = t.login or t.role
        if login not in (t.role, t.clone):
            raise ValueError(f"the login secret of {t.role} names {login!r}")
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [t.role]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [t.clone]).fetchone():
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(t.clone),
                                                                           role))
            done.append(f"created role {t.clone} (member of {t.role})")
        clone = sql.Identifier(t.clone)
        conn.execute(sql.SQL("ALTER ROLE {} SET role = {}").format(clone, sql.Literal(t.role)))
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(login),
                                                                 sql.Literal(t.password)))
        done.append(f"{'updated' if exists else 'created'} role {t.role} (password of {login})")
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
        login = environ.get(user_variable(svc.db_role), "") or svc.db_role
        found.append(Tenant(svc.db_role, svc.database, password, login))
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
