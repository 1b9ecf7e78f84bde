"""The generated deployment files: drift, ECS input shape, secrets, stop timeouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smart360.deploy import names, render, taskdefs
from smart360.deploy.validate import ValidationError, shape_errors, validate
from smart360.registry import ROLES, Registry

from .conftest import REPO_ROOT


def test_committed_files_match_the_generator(real_registry: Registry, tmp_path: Path) -> None:
    generated = render.files(real_registry)
    render.write(tmp_path, generated)
    for rel, content in generated.items():
        assert (tmp_path / rel).read_text() == content
    drifted = render.drift(REPO_ROOT, generated)
    assert drifted == [], f"run `smart360 render` and commit: {drifted}"


def test_one_task_definition_per_process_and_env_files_per_environment(
        real_registry: Registry) -> None:
    generated = render.files(real_registry)
    task_definitions = [p for p in generated if p.startswith(render.TASK_DEFINITIONS)]
    assert len(task_definitions) == 3 * len(real_registry.services) == 27
    for env in ("prod", "staging"):
        env_files = {Path(p).stem for p in generated
                     if p.startswith(f"{render.ENVIRONMENT_VARIABLES}/{env}/")}
        assert env_files == set(real_registry.services)


@pytest.mark.parametrize("env", ["prod", "staging"])
def test_every_materialized_task_definition_passes_botocore_and_our_rules(
        real_registry: Registry, env: str) -> None:
    environment = names.environment(real_registry, env)
    for svc in real_registry.services.values():
        env_vars = taskdefs.environment_variables(real_registry, svc, environment)
        for role in ROLES:
            document = taskdefs.materialize(
                taskdefs.task_definition(real_registry, svc, role), env_vars=env_vars,
                account="123456789012", cluster=environment.cluster,
                image=names.image_uri(real_registry, svc, "abc123", "123456789012"))
            validate(document, svc)
            assert "${" not in json.dumps(document)


def test_task_definitions_follow_the_registry(real_registry: Registry) -> None:
    for svc in real_registry.services.values():
        for role in ROLES:
            document = json.loads((REPO_ROOT / render.task_definition_path(
                names.family(svc, role))).read_text())
            spec = svc.roles[role]
            container = document["containerDefinitions"][0]
            assert document["family"] == f"{svc.name}-{role}"
            assert (document["cpu"], document["memory"]) == (str(spec.cpu), str(spec.memory))
            assert container["command"] == [role]
            assert container["healthCheck"]["command"][-1] == role
            assert container["logConfiguration"]["logDriver"] == "awslogs"
            env = {e["name"]: e["value"] for e in container["environment"]}
            assert env["SMART360_SERVICE"] == svc.name
            assert env["SMART360_ROLE"] == role
            secrets = {s["name"] for s in container["secrets"]}
            assert {"DATABASE_PASSWORD", "DJANGO_SECRET_KEY"} <= secrets
            assert ("JWT_PRIVATE_KEY" in secrets) == (svc.name == "auth")
            assert not secrets & set(env)
            if role == "worker":
                assert env["CELERY_QUEUES"] == ",".join(svc.queues)
                assert container["stopTimeout"] == min(spec.soft_time_limit_seconds, 120)
            if role == "web":
                assert env["GUNICORN_WORKERS"] == str(spec.gunicorn_workers)
                assert container["portMappings"][0]["containerPort"] == names.WEB_CONTAINER_PORT


def test_env_files_hold_no_secrets_and_name_the_service_database(
        real_registry: Registry) -> None:
    for env in ("prod", "staging"):
        for svc in real_registry.services.values():
            text = (REPO_ROOT / render.env_file_path(env, svc.name)).read_text()
            values = taskdefs.parse_env_file(text)
            assert values["DATABASE_NAME"] == svc.database
            assert values["DATABASE_USER"] == svc.db_role
            assert not {"DATABASE_PASSWORD", "DJANGO_SECRET_KEY", "JWT_PRIVATE_KEY"} & set(values)


def test_a_soft_limit_above_ecs_maximum_is_clamped_to_120(registry: Registry) -> None:
    from .conftest import rewrite_registry

    longer = rewrite_registry(registry, "soft_time_limit_seconds = 240",
                              "soft_time_limit_seconds = 90")
    assert taskdefs.stop_timeout(longer.service("demo"), "worker") == 90
    assert not taskdefs.stop_timeout_clamped(longer.service("demo"))
    assert taskdefs.stop_timeout(registry.service("demo"), "worker") == 120
    assert taskdefs.stop_timeout_clamped(registry.service("demo"))


def test_validation_refuses_a_secret_in_plain_environment(registry: Registry) -> None:
    svc = registry.service("demo")
    document = taskdefs.task_definition(registry, svc, "web")
    document["containerDefinitions"][0]["environment"].append(
        {"name": "DATABASE_PASSWORD", "value": "hunter2"})
    with pytest.raises(ValidationError, match="DATABASE_PASSWORD is both a secret"):
        validate(document, svc, template=True)


def test_validation_refuses_what_ecs_would_refuse(registry: Registry) -> None:
    svc = registry.service("demo")
    document = taskdefs.task_definition(registry, svc, "worker")
    document["containerDefinitions"][0]["stopTimeout"] = "120"  # a string: wrong type
    document["containerDefinitions"][0]["healthCheck"]["retries"] = None
    assert shape_errors(document)
    document = taskdefs.task_definition(registry, svc, "worker")
    document["containerDefinitions"][0]["stopTimeout"] = 300
    with pytest.raises(ValidationError, match="outside ECS"):
        validate(document, svc, template=True)


def test_materialize_fills_placeholders_and_refuses_overrides(registry: Registry) -> None:
    svc = registry.service("demo")
    template = taskdefs.task_definition(registry, svc, "web")
    filled = taskdefs.materialize(template, env_vars={"REDIS_URL": "redis://r"},
                                  account="111122223333", cluster="smart360-test", image="img:1")
    container = filled["containerDefinitions"][0]
    assert container["image"] == "img:1"
    assert filled["executionRoleArn"] == \
        "arn:aws:iam::111122223333:role/smart360-test-task-execution"
    assert container["logConfiguration"]["options"]["awslogs-group"] == \
        "/ecs/smart360-test/demo/web"
    assert {"name": "REDIS_URL", "value": "redis://r"} in container["environment"]
    with pytest.raises(ValueError, match="redefines"):
        taskdefs.materialize(template, env_vars={"SMART360_ROLE": "beat"}, account="1",
                             cluster="c", image="i")


def test_render_removes_files_of_a_removed_service(rendered: Registry) -> None:
    stale = rendered.root / render.task_definition_path("gone-web")
    stale.write_text("{}")
    assert render.drift(rendered.root, render.files(rendered)) == [
        render.task_definition_path("gone-web")]
    render.write(rendered.root, render.files(rendered))
    assert not stale.exists()
