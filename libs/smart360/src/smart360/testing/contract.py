"""The platform contract, run inside every service's own test session.

A service's tests/test_platform_contract.py star-imports this module.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from celery.schedules import crontab
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NotSet
from schemathesis.core.result import Ok

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


def test_passwords_are_hashed_with_argon2():
    from django.contrib.auth.hashers import make_password

    assert make_password("correct horse battery staple").startswith("argon2$")


# -- fuzzing every operation the OpenAPI schema declares (schemathesis) ---------------------------


def _call(api, case) -> Any:
    """Send a schemathesis case through Django's test client (in the test's transaction)."""
    body = b"" if isinstance(case.body, NotSet) else json.dumps(case.body)
    query = urlencode(case.query or {}, doseq=True)
    return api.generic(case.method, case.formatted_path, body,
                       content_type="application/json", QUERY_STRING=query)


def test_generated_requests_to_every_operation_are_never_a_500(api, prefix, tokens, monkeypatch):
    """Schema-driven inputs (valid and invalid) for every operation: a 4xx problem, never a 500."""
    from rest_framework.throttling import SimpleRateThrottle

    # Throttling has its own tests; here it would turn most generated requests into 429s.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=str(uuid.uuid4()), roles=["admin"]))
    schema = schemathesis.openapi.from_dict(api.get(f"{prefix}api/schema/", {"format": "json"}).json())
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI schema is not usable: {result.err()}"
        operations.append(result.ok())
    assert operations
    for operation in operations:
        if operation.method.upper() in ("POST", "PUT", "PATCH"):
            malformed = api.generic(operation.method.upper(),
                                    re.sub(r"\{[^}]+\}", "1", operation.path), b'{"name": ',
                                    content_type="application/json")
            assert malformed.status_code in (400, 404), (operation.path, malformed.content[:300])
        _fuzz(api, operation)


def _fuzz(api, operation) -> None:
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = _call(api, case)
        where = (case.method, case.formatted_path, case.query, case.body)
        assert response.status_code < 500, (*where, response.content[:300])
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json", where

    check()
