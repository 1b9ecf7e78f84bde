"""The local stack: the whole platform on one machine, from the registry.

Real servers from the OS packages (PostgreSQL, Redis, PgBouncer, HAProxy) started in a
git-ignored state folder on non-standard ports, and every service's web/worker/beat under
supervisord. `smart360 up | down | status | logs | restart`.
"""
