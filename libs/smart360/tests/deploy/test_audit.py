"""`make audit`: an unreachable vulnerability source reads NOT RUN, never clean."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from smart360.deploy import audit

from .conftest import REPO_ROOT


def _answer(stdout: str = "", stderr: str = "", code: int = 0) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess([], code, stdout, stderr)


def _pip_audit_json(*deps: dict) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


CANARY_FOUND = _pip_audit_json({"name": "django", "version": "4.2.0",
                                "vulns": [{"id": "PYSEC-2023-61", "fix_versions": ["4.2.1"]}]})
CANARY_NOT_FOUND = _pip_audit_json({"name": "django", "skip_reason": "Dependency not found on PyPI"})


class FakeRunner:
    """Answers pip-audit by source and file (canary or lock); uv export writes a file."""

    def __init__(self, canary: dict[str, subprocess.CompletedProcess[str]],
                 lock: subprocess.CompletedProcess[str] | None = None) -> None:
        self.canary = canary
        self.lock = lock
        self.calls: list[list[str]] = []

    def __call__(self, cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
        cmd = list(cmd)
        self.calls.append(cmd)
        if "export" in cmd:
            Path(cmd[cmd.index("--output-file") + 1]).write_text("django==5.2.1 --hash=sha256:00\n")
            return _answer()
        source = cmd[cmd.index("--vulnerability-service") + 1]
        requirement = Path(cmd[cmd.index("--requirement") + 1])
        if requirement.name == "canary.txt":
            return self.canary[source]
        assert self.lock is not None
        return self.lock


def test_a_mirror_without_advisories_and_no_osv_is_not_run_never_clean() -> None:
    # What this machine sees: the PyPI mirror answers "not found" (pip-audit alone would print
    # "No known vulnerabilities found"), OSV does not resolve.
    runner = FakeRunner({
        "pypi": _answer(CANARY_NOT_FOUND),
        "osv": _answer("", "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'", 1),
    })
    report = audit.audit(REPO_ROOT, run=runner)
    assert report.exit_code == audit.EXIT_NOT_RUN
    (line,) = report.lines()
    assert line.startswith("audit: NOT RUN (not clean)")
    assert "api.osv.dev" in line
    assert "not found" in line
    assert not any("export" in c for c in runner.calls)  # no audit pretended


def test_a_source_that_reports_nothing_for_the_canary_is_not_trusted() -> None:
    runner = FakeRunner({"pypi": _answer(_pip_audit_json({"name": "django", "version": "4.2.0",
                                                          "vulns": []}))})
    report = audit.audit(REPO_ROOT, run=runner, sources=["pypi"])
    assert report.exit_code == audit.EXIT_NOT_RUN
    assert "no advisory for the canary" in report.lines()[0]


def test_a_working_source_audits_the_lock_and_names_what_it_could_not_audit() -> None:
    lock = _answer(_pip_audit_json(
        {"name": "django", "version": "5.2.1", "vulns": []},
        {"name": "celery", "version": "5.4.0", "vulns": []},
        {"name": "inhouse", "skip_reason": "Dependency not found on PyPI"},
    ))
    runner = FakeRunner({"pypi": _answer(CANARY_FOUND)}, lock)
    report = audit.audit(REPO_ROOT, run=runner)
    assert report.exit_code == audit.EXIT_OK
    assert report.lines() == [
        "audit: 1 package(s) NOT audited (unknown to pypi): inhouse",
        "audit: no known vulnerabilities in 2 audited packages (source: pypi)",
    ]
    export = next(c for c in runner.calls if "export" in c)
    assert {"--frozen", "--all-packages", "--all-groups", "--no-emit-workspace"} <= set(export)


def test_a_vulnerable_lock_fails_with_the_advisories() -> None:
    lock = _answer(_pip_audit_json({"name": "jinja2", "version": "3.1.2",
                                    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]}))
    report = audit.audit(REPO_ROOT, run=FakeRunner({"pypi": _answer(CANARY_FOUND)}, lock))
    assert report.exit_code == audit.EXIT_VULNERABLE
    assert report.lines() == ["  jinja2 3.1.2 GHSA-h5c8-rqwp-cp95 (fix: 3.1.3)",
                              "audit: 1 known vulnerability in 1 audited packages (source: pypi)"]


def test_make_audit_and_the_pipeline_run_it() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "audit:" in makefile
    assert "smart360.deploy.audit" in makefile
    jenkinsfile = (REPO_ROOT / "Jenkinsfile").read_text()
    assert "make audit" in jenkinsfile


def test_bandit_runs_in_lint_against_a_baseline_where_every_finding_has_a_reason(
    real_registry,  # type: ignore[no-untyped-def]
) -> None:
    from smart360.devtools.lint import BANDIT_BASELINE, bandit_command, checks

    command = bandit_command(real_registry)
    assert command[command.index("--baseline") + 1] == BANDIT_BASELINE
    for svc in real_registry.services.values():
        assert f"services/{svc.name}/{svc.package}" in command
    assert "bandit" in [name for name, *_ in checks(real_registry)]
    baseline = json.loads((REPO_ROOT / BANDIT_BASELINE).read_text())["results"]
    assert 0 < len(baseline) <= 40  # reviewed one by one; grow it only with a reason
    for finding in baseline:
        assert len(finding.get("reason", "")) >= 30, finding["filename"]
        assert (REPO_ROOT / finding["filename"]).is_file(), finding["filename"]
