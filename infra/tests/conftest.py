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
STAGING_CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-1111-1111-111111111111"
)
CERTIFICATES = {"prod": CERTIFICATE_ARN, "staging": STAGING_CERTIFICATE_ARN}
NEW_SERVICE = "gx"


@dataclass(frozen=True)
class Synthesized:
    """One environment: its platform and services templates, read as one."""

    registry: Registry
    template: Template  # the platform stack
    services_template: Template
    raw: dict[str, Any]  # both templates' Resources/Parameters/Outputs merged
    path: Path
    services_path: Path
    nag_errors: tuple[str, ...] = ()

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


def _merge(*templates: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {"Resources": {}, "Parameters": {}, "Outputs": {}}
    for template in templates:
        for key in merged:
            merged[key].update(template.get(key, {}))
    return merged


def synthesize_all(registry: Registry, outdir: Path, *, nag: bool, **kwargs: Any) -> dict[str, Synthesized]:
    app, stacks = build(registry, outdir=outdir, certificates=CERTIFICATES, nag=nag, **kwargs)
    assembly = app.synth()
    found = {}
    for env, (platform, services) in stacks.items():
        paths = [Path(assembly.directory) / s.template_file for s in (platform, services)]
        raws = [json.loads(p.read_text()) for p in paths]
        errors = tuple(
            f"{m.id}: {m.entry.data}"
            for name in (platform.stack_name, services.stack_name)
            for m in assembly.get_stack_by_name(name).messages
            if str(m.level).lower().endswith("error")
        )
        found[env] = Synthesized(
            registry,
            Template.from_json(raws[0]),
            Template.from_json(raws[1]),
            _merge(*raws),
            paths[0],
            paths[1],
            errors,
        )
    return found


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load()


@pytest.fixture(scope="session")
def environments(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    """prod and staging, synthesized once with the AwsSolutions checks (cdk-nag) applied."""
    return synthesize_all(registry, tmp_path_factory.mktemp("cdk.out"), nag=True)


@pytest.fixture(scope="session")
def stack(environments: dict[str, Synthesized]) -> Synthesized:
    return environments["prod"]


@pytest.fixture(scope="session")
def staging(environments: dict[str, Synthesized]) -> Synthesized:
    return environments["staging"]


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
    return synthesize_all(
        parse(path), folder / "cdk.out", nag=False, only=("prod",), admin_cidrs={"prod": ("203.0.113.0/24",)}
    )["prod"]


def logical_id(expression: Any) -> str:
    """The logical id inside a {"Ref": id}, {"Fn::GetAtt": [id, attr]} or a cross-stack
    {"Fn::ImportValue": "<stack>:ExportsOutputRef<id><hash>"} (CDK's export names)."""
    if "Ref" in expression:
        return str(expression["Ref"])
    if "Fn::ImportValue" in expression:
        name = str(expression["Fn::ImportValue"]).split(":", 1)[1]
        for prefix in ("ExportsOutputRef", "ExportsOutputFnGetAtt"):
            name = name.removeprefix(prefix)
        return name
    return str(expression["Fn::GetAtt"][0])
