"""The platform contract, run inside every service's own test session.

A service's tests/test_platform_contract.py star-imports this module.
"""

from __future__ import annotations

import pytest
from celery.schedules import crontab

from smart360.conf import beat_schedule, service_name
from smart360.registry import load

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_a_host_header_or_database(api, prefix, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api.get(f"{prefix}healthz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200
    assert response.json()["service"] == service_name()


def test_readiness_checks_database_and_redis(api, prefix):
    body = api.get(f"{prefix}readyz").json()
    assert body["checks"] == {"database": "ok", "redis": "ok"}


def test_unknown_path_is_a_problem_json_404(api, prefix):
    response = api.get(f"{prefix}api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_openapi_schema_is_served_under_the_prefix(api, prefix):
    response = api.get(f"{prefix}api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert paths
    assert all(p.startswith(f"{prefix}api/v1/") for p in paths)


def test_swagger_ui_and_admin_are_served(api, prefix):
    assert api.get(f"{prefix}api/docs/").status_code == 200
    login = api.get(f"{prefix}admin/login/")
    assert login.status_code == 200
    assert f"{prefix}static/admin/" in login.content.decode()


def test_request_id_is_echoed_and_generated(api, prefix):
    echoed = api.get(f"{prefix}api/v1/ping/", HTTP_X_REQUEST_ID="abc-123")
    assert echoed["X-Request-ID"] == "abc-123"
    fresh = api.get(f"{prefix}api/v1/ping/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert fresh["X-Request-ID"] != "bad id\nwith newline"
    assert len(fresh["X-Request-ID"]) == 32


def test_unknown_job_is_a_problem_json_404(api, prefix, tokens):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(roles=["ops"]))
    response = api.get(f"{prefix}api/v1/ops/jobs/nope/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_celery_app_uses_the_service_queue_and_safe_acks():
    from smart360.celery.app import app

    svc = load().service(service_name())
    assert app.conf.task_default_queue == svc.queue
    assert app.conf.task_acks_late
    assert app.conf.task_reject_on_worker_lost


def test_every_scheduled_job_is_crontab_named_registered_and_expiring():
    from smart360.celery.app import app

    app.loader.import_default_modules()
    schedule = beat_schedule()
    assert schedule, "every service has at least one real scheduled job"
    for name, entry in schedule.items():
        assert isinstance(entry["schedule"], crontab), name
        assert entry["options"]["expires"] > 0, name
        assert entry["task"].startswith(f"{service_name()}."), name
        assert entry["task"] in app.tasks, f"{name}: task {entry['task']} is not registered"


def test_ops_endpoints_need_a_token_with_an_ops_role(api, prefix, tokens):
    assert api.get(f"{prefix}api/v1/ops/jobs/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(roles=["clerk"]))
    assert api.get(f"{prefix}api/v1/ops/jobs/").status_code == 403
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(roles=["ops"]))
    assert api.get(f"{prefix}api/v1/ops/jobs/").status_code == 200


def test_whoami_needs_a_token_and_echoes_its_identity(api, prefix, tokens):
    response = api.get(f"{prefix}api/v1/whoami/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    tenant = "0b5c1a8e-3f4e-4d43-9a55-2d1c8e0f7a11"
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tenant, roles=["admin", "clerk"]))
    body = api.get(f"{prefix}api/v1/whoami/").json()
    assert body["tenant"] == tenant
    assert body["roles"] == ["admin", "clerk"]
