"""The platform contract, run inside every service's own test session.

A service's tests/test_platform_contract.py star-imports this module.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from smart360.api.schema import RULES_EXTENSION
from smart360.api.views import ApiView, PublicView
from smart360.conf import service_name
from smart360.contracts import contracts
from smart360.events import checks
from smart360.events.inbox import handled_types
from smart360.jobs.schedule import service_jobs
from smart360.registry import load

pytestmark = pytest.mark.django_db
SCHEMATHESIS = Path(sys.executable).with_name("st")


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


def _views(patterns: list[URLPattern | URLResolver]) -> list[type]:
    found: list[type] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _views(p.url_patterns)
        elif isinstance(view := getattr(p.callback, "cls", None), type):
            found.append(view)
    return found


def test_every_endpoint_is_written_on_the_toolkit():
    """One way to write an endpoint: tenant-scoped and module-permissioned unless public or ops."""
    api_views = [v for v in _views(get_resolver().url_patterns)
                 if issubclass(v, APIView) and not v.__module__.startswith("drf_spectacular")]
    assert api_views
    strays = [f"{v.__module__}.{v.__qualname__}" for v in api_views if not issubclass(v, ApiView)]
    assert not strays, f"views not on smart360.api: {strays}"


def test_every_public_view_is_throttled():
    public = [v for v in _views(get_resolver().url_patterns) if issubclass(v, PublicView)]
    assert all(v.throttle_classes and v.throttle_scope for v in public)


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

    jobs = service_jobs(load().service(service_name()))
    own = [j for j in jobs if not j.platform]
    assert own, "every service has at least one real scheduled job"
    for spec in jobs:
        assert isinstance(spec.schedule, crontab), spec.name
        assert spec.expires > 0, spec.name
        assert spec.platform or spec.name.startswith(f"{service_name()}."), spec.name
        assert spec.name in app.tasks, f"{spec.name} is not a registered task"


def test_ops_endpoints_need_a_platform_role(api, prefix, tokens):
    assert api.get(f"{prefix}api/v1/ops/jobs/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4(), roles=["admin"]))
    assert api.get(f"{prefix}api/v1/ops/jobs/").status_code == 403  # a tenant's admin: no
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(roles=["ops"]))
    assert api.get(f"{prefix}api/v1/ops/jobs/").status_code == 200


def test_an_operator_runs_a_job_now_and_sees_its_result(api, prefix, tokens):
    spec = next(j for j in service_jobs(load().service(service_name())) if not j.platform)
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(roles=["ops"]))
    ran = api.post(f"{prefix}api/v1/ops/jobs/{spec.name}/run/", {}, format="json")
    assert ran.status_code == 200, ran.content
    assert ran.json()["status"] == "ok", ran.json()
    listed = {j["name"]: j for j in api.get(f"{prefix}api/v1/ops/jobs/").json()["results"]}
    assert listed[spec.name]["runs"] == 1
    assert listed[spec.name]["last_status"] == "ok"


def test_whoami_needs_a_token_and_echoes_its_identity(api, prefix, tokens):
    response = api.get(f"{prefix}api/v1/whoami/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    tenant = "0b5c1a8e-3f4e-4d43-9a55-2d1c8e0f7a11"
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=tenant, roles=["admin", "clerk"]))
    body = api.get(f"{prefix}api/v1/whoami/").json()
    assert body["tenant"] == tenant
    assert body["roles"] == ["admin", "clerk"]


def test_production_settings_pass_django_check_deploy(tmp_path):
    """`manage.py check --deploy` with the environment production gives (an https gateway, a
    strong secret, no debug): no warning at all."""
    import os
    import secrets

    svc = load().service(service_name())
    root = Path(sys.modules[svc.package].__file__).parents[1]  # type: ignore[arg-type]
    env = {**os.environ, "SMART360_GATEWAY_URL": "https://api.smart360.example.com",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_DEBUG": "false",
           "DJANGO_ALLOWED_HOSTS": "api.smart360.example.com"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                             "WARNING"], cwd=root, env=env, capture_output=True, text=True,
                            timeout=600, check=False)  # a hang guard: CI is two cores
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_hashed_with_argon2():
    from django.contrib.auth.hashers import make_password

    assert make_password("correct horse battery staple").startswith("argon2$")


def test_events_agree_with_the_registry():
    """Each published event is built in a publish() call here; each subscription has a handler."""
    svc = load().service(service_name())
    package = Path(sys.modules[svc.package].__file__).parent  # type: ignore[arg-type]
    assert checks.service_problems(svc, package, contracts(), handled_types()) == []


# -- the OpenAPI schema, checked the way an integrator would (schemathesis CLI, all checks) --------
@pytest.mark.django_db(transaction=True)
def test_schemathesis_with_all_checks_finds_nothing(live_server, api, prefix, tokens, monkeypatch,
                                                    tmp_path):
    """Every operation, valid and invalid inputs, as a tenant admin: no 5xx, every status and
    body as documented, valid input accepted, invalid input refused, auth not ignored."""
    from rest_framework.throttling import SimpleRateThrottle

    # Throttling has its own tests; here it would turn most generated requests into 429s.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    token = tokens.issue(tenant=uuid.uuid4(), roles=["admin"], ttl=3600)
    config = tmp_path / "schemathesis.toml"
    config.write_text(_declared_rules_config(api.get(f"{prefix}api/schema/", {"format": "json"}).json()))
    result = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(config), "run",
         f"{live_server.url}{prefix}api/schema/?format=json",
         "--checks", "all", "--header", f"Authorization: Bearer {token}",
         "--max-examples", "8", "--seed", "360", "--workers", "1",
         "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
         "--report", "junit", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-2000:]


def _declared_rules_config(schema: dict) -> str:
    """The allowances, each declared by the schema itself: an operation that documents rules
    beyond its schema (x-smart360-rules, e.g. a password not too common) may refuse a
    schema-valid body with a 400; one that takes an Idempotency-Key may answer 422 when the
    generator sends one key twice with different bodies (that is the documented refusal)."""
    entries = []
    for path in schema["paths"].values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            extra = []
            if operation.get(RULES_EXTENSION):
                extra.append("400")
            if any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key"
                   for p in operation.get("parameters", [])):
                extra.append("422")
            if extra:
                statuses = ["2xx", "3xx", *extra, "401", "403", "404", "409", "429"]
                entries.append(
                    f'[[operations]]\ninclude-operation-id = "{operation["operationId"]}"\n'
                    '[operations.checks.positive_data_acceptance]\nexpected-statuses = '
                    f'{statuses!r}\n'.replace("'", '"'))
    # No cache: each run judges the schema as it is now, not failures replayed from an older one.
    return "\n".join(["[cache]\nenabled = false\n", *entries])
