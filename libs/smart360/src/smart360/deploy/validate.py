"""Offline validation of task definitions: botocore's own input shape, then our rules."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.session
from botocore.model import Shape
from botocore.validate import ParamValidator

from smart360.deploy import names
from smart360.deploy.taskdefs import stop_timeout
from smart360.registry import Service

_SECRET_LOOKING = re.compile(r"PASSWORD|SECRET|PRIVATE_KEY|TOKEN|API_KEY", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\$\{[A-Z_]+\}")


class ValidationError(ValueError):
    """A task definition would be refused by ECS or breaks one of our rules."""


@cache
def _input_shape() -> Shape:
    model = botocore.session.get_session().get_service_model("ecs")
    return model.operation_model("RegisterTaskDefinition").input_shape


def shape_errors(document: dict[str, Any]) -> list[str]:
    """What botocore's ParamValidator says about a RegisterTaskDefinition input."""
    report = ParamValidator().validate(document, _input_shape())
    return [report.generate_report()] if report.has_errors() else []


def rule_errors(document: dict[str, Any], service: Service, *, template: bool) -> list[str]:
    errors = []
    family = document.get("family", "?")
    role = family.rsplit("-", 1)[-1]
    for container in document.get("containerDefinitions", []):
        where = f"{family}/{container.get('name')}"
        secret_names = {s["name"] for s in container.get("secrets", [])}
        for var in container.get("environment", []):
            if var["name"] in secret_names:
                errors.append(f"{where}: {var['name']} is both a secret and plain environment")
            elif _SECRET_LOOKING.search(var["name"]):
                errors.append(f"{where}: {var['name']} looks secret; use `secrets`, not env")
        for required in sorted(names.secret_variables(service)):
            if required not in secret_names:
                errors.append(f"{where}: secret {required} is missing")
        if "healthCheck" not in container:
            errors.append(f"{where}: no container health check")
        timeout = container.get("stopTimeout", 30)
        if not 2 <= timeout <= names.ECS_MAX_STOP_TIMEOUT:
            errors.append(f"{where}: stopTimeout {timeout} outside ECS's 2..120 s")
        if role in ("web", "worker", "beat") and timeout < stop_timeout(service, role):
            errors.append(f"{where}: stopTimeout {timeout} shorter than warm shutdown needs")
        if container.get("logConfiguration", {}).get("logDriver") != "awslogs":
            errors.append(f"{where}: logs must go to awslogs")
    leftovers = set(_PLACEHOLDER.findall(str(document)))
    allowed = set(names.PLACEHOLDERS) if template else set()
    if leftovers - allowed:
        errors.append(f"{family}: unfilled placeholders {sorted(leftovers - allowed)}")
    return errors


def validate(document: dict[str, Any], service: Service, *, template: bool = False) -> None:
    errors = shape_errors(document) + rule_errors(document, service, template=template)
    if errors:
        raise ValidationError("\n".join(errors))
