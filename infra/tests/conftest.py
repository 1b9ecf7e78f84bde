"""Synthesize once per session (jsii start-up is slow) and share the templates.

`stack` is the real registry's stack; `grown` is a stack from a modified copy of the registry
(a tenth service, other ASG numbers, a TLS certificate) that proves the stack follows the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from smart360.registry import Registry, load, parse
from smart360_infra.synth import build

CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
NEW_SERVICE = "gx"


@dataclass(frozen=True)
class Synthesized:
    registry: Registry
    template: Template
    raw: dict[str, Any]
    path: Path

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.raw["Resources"].items() if r["Type"] == kind}

    def one(self, kind: str) -> dict[str, Any]:
        (found,) = self.resources(kind).values()
        return found["Properties"]

    def app_services(self) -> dict[str, dict[str, Any]]:
        """ECS services by name (`cx-web`, ...), without PgBouncer."""
        out = {}
        for resource in self.resources("AWS::ECS::Service").values():
            name = resource["Properties"]["ServiceName"]
            if name != "pgbouncer":
                out[name] = resource["Properties"]
        return out

    def task_definition(self, service_props: dict[str, Any]) -> dict[str, Any]:
        return self.raw["Resources"][service_props["TaskDefinition"]["Ref"]]["Properties"]


def synthesize(registry: Registry, outdir: Path, **kwargs: Any) -> Synthesized:
    app, stack = build(registry, outdir=outdir, **kwargs)
    assembly = app.synth()
    path = Path(assembly.directory) / stack.template_file
    raw = json.loads(path.read_text())
    return Synthesized(registry, Template.from_json(raw), raw, path)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load()


@pytest.fixture(scope="session")
def stack(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(registry, tmp_path_factory.mktemp("cdk.out"))


def grown_registry_text(original: str) -> str:
    """The real registry plus a tenth service, a bigger ASG and a web override."""
    asg = "min = 1\nmax = 2\ndesired = 2\n"
    assert asg in original, "the registry's [cluster.asg] block changed: update this test"
    text = original.replace(asg, "min = 2\nmax = 5\ndesired = 3\n")
    return (
        text
        + f"""
[services.{NEW_SERVICE}]
description = "A tenth service, added by the infra tests"
prefix = "/{NEW_SERVICE}/"
local_port = 8300
queues = ["{NEW_SERVICE}"]
publishes = []
subscribes = []
[services.{NEW_SERVICE}.web]
max_tasks = 7
memory = 2048
"""
    )


@pytest.fixture(scope="session")
def grown(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    folder = tmp_path_factory.mktemp("grown")
    path = folder / "services.toml"
    path.write_text(grown_registry_text(registry.path.read_text()))
    return synthesize(parse(path), folder / "cdk.out", certificate_arn=CERTIFICATE_ARN)


def logical_id(expression: Any) -> str:
    """The logical id inside a {"Ref": id} or {"Fn::GetAtt": [id, attr]}."""
    if "Ref" in expression:
        return str(expression["Ref"])
    return str(expression["Fn::GetAtt"][0])
