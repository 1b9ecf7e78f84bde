"""Every service answers through the gateway; unknown paths get problem+json."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_every_service_is_ready_through_the_gateway(stack):
    for svc in stack.stack.registry.services.values():
        response = httpx.get(f"{stack.gateway_url}{svc.ready_path}", timeout=5)
        assert response.status_code == 200, (svc.name, response.text)
        assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_the_gateway_stamps_a_request_id_that_django_echoes(stack):
    response = httpx.get(f"{stack.gateway_url}/cx/api/v1/ping/", timeout=5)
    assert response.status_code == 200
    assert len(response.headers["X-Request-ID"]) == 36  # HAProxy's uuid()
    mine = httpx.get(f"{stack.gateway_url}/cx/api/v1/ping/", headers={"X-Request-ID": "e2e-1"})
    assert mine.headers["X-Request-ID"] == "e2e-1"


def test_an_unrouted_path_is_a_problem_json_404(stack):
    response = httpx.get(f"{stack.gateway_url}/nowhere/", timeout=5)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_database_roles_cannot_open_each_others_databases(stack):
    import psycopg

    registry = stack.stack.registry
    cx, bx = registry.service("cx"), registry.service("bx")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(host="127.0.0.1", port=stack.stack.port("postgres"), dbname=bx.database,
                        user=cx.db_role, password=stack.stack.db_password(cx), connect_timeout=5)


def test_status_json_reports_every_process_healthy(stack):
    import json
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([str(Path(sys.executable).parent / "smart360"), "status", "--json"],
                         capture_output=True, text=True, check=True, timeout=60)
    rows = json.loads(out.stdout)
    local = stack.stack.registry.local
    assert len(rows) == len(stack.stack.registry.services) * (local.web_instances + 2)
    assert {r["role"] for r in rows} == {"web", "worker", "beat"}
    assert all(r["healthy"] and r["pid"] > 0 for r in rows), [r for r in rows if not r["healthy"]]
