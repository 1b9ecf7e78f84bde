"""The synth command writes the template, and cfn-lint finds no errors in it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cfnlint.api import lint

from .conftest import Synthesized


def _errors(template: Path, region: str) -> list[str]:
    matches = lint(template.read_text(), regions=[region])
    # Warnings (W...) and informational (I...) findings are reported, not fatal; errors are.
    return [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]


def test_cfn_lint_reports_no_errors(stack: Synthesized) -> None:
    assert _errors(stack.path, stack.registry.cluster.region) == []


def test_cfn_lint_reports_no_errors_with_tls_and_a_tenth_service(grown: Synthesized) -> None:
    assert _errors(grown.path, grown.registry.cluster.region) == []


def test_synth_command_writes_the_stack_template(stack: Synthesized, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smart360_infra.synth", "--outdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    written = tmp_path / f"{stack.registry.cluster.name}.template.json"
    assert result.stdout.strip() == str(written)
    assert json.loads(written.read_text()) == stack.raw
    assert "end-of-life" not in result.stderr  # the Node 20 banner is silenced
