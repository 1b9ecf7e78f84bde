"""The synth command writes the template, and cfn-lint finds no errors in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cfnlint.api import lint

from .conftest import CERTIFICATE_ARN, STAGING_CERTIFICATE_ARN, Synthesized


def _errors(template: Path, region: str) -> list[str]:
    matches = lint(template.read_text(), regions=[region])
    # Warnings (W...) and informational (I...) findings are reported, not fatal; errors are.
    return [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]


def test_cfn_lint_reports_no_errors(stack: Synthesized, staging: Synthesized) -> None:
    for env in (stack, staging):
        for path in (env.path, env.services_path):
            assert _errors(path, env.registry.cluster.region) == [], path.name


def test_cdk_nag_aws_solutions_reports_no_unsuppressed_error(
    stack: Synthesized, staging: Synthesized
) -> None:
    assert stack.nag_errors == ()
    assert staging.nag_errors == ()


def test_every_nag_suppression_carries_a_reason(stack: Synthesized) -> None:
    found = [
        s
        for r in stack.raw["Resources"].values()
        for s in r.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert found
    assert all(len(s["reason"]) >= 40 for s in found)
    assert not any(
        s["id"]
        in (
            "AwsSolutions-EC26",
            "AwsSolutions-VPC7",
            "AwsSolutions-ELB2",
            "AwsSolutions-AEC3",
            "AwsSolutions-AEC6",
        )
        for s in found
    )  # fixed


def test_cfn_lint_reports_no_errors_with_tls_and_a_tenth_service(grown: Synthesized) -> None:
    assert _errors(grown.path, grown.registry.cluster.region) == []
    assert _errors(grown.services_path, grown.registry.cluster.region) == []


def test_synth_command_writes_four_templates_and_refuses_without_certificates(
    stack: Synthesized, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SMART360_CERTIFICATE_ARN_PROD": CERTIFICATE_ARN,
        "SMART360_CERTIFICATE_ARN_STAGING": STAGING_CERTIFICATE_ARN,
    }
    result = subprocess.run(
        [sys.executable, "-m", "smart360_infra.synth", "--outdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,  # four stacks with cdk-nag; minutes on a loaded 2-core machine
        env=env,
    )
    written = {Path(line).name for line in result.stdout.split()}
    assert written == {
        "smart360-prod.template.json",
        "smart360-prod-services.template.json",
        "smart360-staging.template.json",
        "smart360-staging-services.template.json",
    }
    assert json.loads((tmp_path / "smart360-prod.template.json").read_text()) == json.loads(
        stack.path.read_text()
    )
    assert "end-of-life" not in result.stderr  # the Node 20 banner is silenced
    env.pop("SMART360_CERTIFICATE_ARN_STAGING")
    refused = subprocess.run(
        [sys.executable, "-m", "smart360_infra.synth", "--outdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,  # four stacks with cdk-nag; minutes on a loaded 2-core machine
        env=env,
    )
    assert refused.returncode != 0
    assert "SMART360_CERTIFICATE_ARN_STAGING" in refused.stderr
