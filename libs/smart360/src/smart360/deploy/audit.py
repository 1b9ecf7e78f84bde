"""`make audit`: known vulnerabilities in the locked dependencies (pip-audit against uv.lock).

    python -m smart360.deploy.audit          # exit 0 audited, 1 vulnerable, 3 NOT RUN

The lock is exported with `uv export` (every package of every workspace member and group,
pinned and hashed, the workspace itself left out) and handed to pip-audit, which resolves
nothing and installs nothing.

A vulnerability source that cannot be reached must never read as "clean". pip-audit's PyPI
service asks `/pypi/<name>/<version>/json` for each package: a mirror that lacks that endpoint
(or a machine without internet) makes every package "not found" and pip-audit still prints
"No known vulnerabilities found". So before the real run, each source is asked about a canary,
a release with published advisories; a source that does not report the canary's is not
reachable. When none is, one line says so and the exit code is 3 ("not run", which the
pipeline shows as UNSTABLE, never as passed). Packages a working source could not audit are
named, not counted as clean.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Django 4.2.0 has several PYSEC/GHSA advisories (e.g. CVE-2023-31047, fixed in 4.2.1).
CANARY = "django==4.2.0"
SOURCES = ("pypi", "osv")  # pip-audit's vulnerability services, tried in this order
EXIT_OK, EXIT_VULNERABLE, EXIT_NOT_RUN = 0, 1, 3

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _run(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL, check=False)


@dataclass
class Report:
    source: str | None  # the vulnerability service used; None: none reachable
    audited: list[str] = field(default_factory=list)  # name==version
    vulnerable: list[str] = field(default_factory=list)  # "name version ID (fix: ...)"
    skipped: list[str] = field(default_factory=list)  # "name: reason"
    why_not_run: str = ""

    @property
    def exit_code(self) -> int:
        if self.source is None or not self.audited:
            return EXIT_NOT_RUN
        return EXIT_VULNERABLE if self.vulnerable else EXIT_OK

    def lines(self) -> list[str]:
        if self.exit_code == EXIT_NOT_RUN:
            reason = self.why_not_run or "no package could be audited"
            return [f"audit: NOT RUN (not clean): no vulnerability source reachable: {reason}"]
        out = [f"  {v}" for v in self.vulnerable]
        if self.skipped:
            out.append(f"audit: {len(self.skipped)} package(s) NOT audited (unknown to {self.source}): "
                       + ", ".join(self.skipped))
        verdict = (f"{len(self.vulnerable)} known vulnerabilit{'y' if len(self.vulnerable) == 1 else 'ies'}"
                   if self.vulnerable else "no known vulnerabilities")
        out.append(f"audit: {verdict} in {len(self.audited)} audited packages (source: {self.source})")
        return out


def pip_audit_command(requirements: Path, source: str) -> list[str]:
    binary = Path(sys.executable).parent / "pip-audit"
    return [str(binary), "--requirement", str(requirements), "--disable-pip", "--no-deps",
            "--vulnerability-service", source, "--format", "json", "--progress-spinner", "off",
            "--timeout", "20"]


def parse(output: str) -> dict[str, list[str]]:
    """pip-audit's JSON -> audited / vulnerable / skipped lines."""
    document = json.loads(output)
    found: dict[str, list[str]] = {"audited": [], "vulnerable": [], "skipped": []}
    for dep in document.get("dependencies", []):
        if dep.get("skip_reason"):
            found["skipped"].append(dep["name"])
            continue
        found["audited"].append(f"{dep['name']}=={dep.get('version', '?')}")
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            found["vulnerable"].append(f"{dep['name']} {dep.get('version')} {vuln['id']} (fix: {fixes})")
    return found


def _json_tail(result: subprocess.CompletedProcess[str]) -> str:
    """pip-audit prints its JSON on stdout; warnings and tracebacks go to stderr."""
    if not result.stdout.strip():
        raise ValueError((result.stderr.strip().splitlines() or ["no output"])[-1][:200])
    return result.stdout


def reachable(source: str, scratch: Path, run: Runner = _run) -> tuple[bool, str]:
    """Does `source` report the canary's advisories? (False, why) when it does not."""
    canary = scratch / "canary.txt"
    canary.write_text(CANARY + "\n")
    result = run(pip_audit_command(canary, source))
    try:
        found = parse(_json_tail(result))
    except (ValueError, KeyError) as exc:  # JSONDecodeError is a ValueError
        return False, f"{source}: {exc}"
    if found["vulnerable"]:
        return True, ""
    if found["skipped"]:
        return False, f"{source}: the canary {CANARY} was 'not found' (a mirror without advisory data?)"
    return False, f"{source}: reported no advisory for the canary {CANARY}"


def export_lock(root: Path, target: Path, run: Runner = _run) -> None:
    uv = shutil.which("uv") or str(root / ".state" / "tools" / "bin" / "uv")
    result = run([uv, "export", "--frozen", "--all-packages", "--all-groups", "--no-emit-workspace",
                  "--format", "requirements-txt", "--project", str(root), "--quiet",
                  "--output-file", str(target)])
    if result.returncode != 0:
        raise RuntimeError(f"uv export failed: {result.stderr.strip()[-400:]}")


def audit(root: Path, run: Runner = _run, sources: Sequence[str] = SOURCES) -> Report:
    with tempfile.TemporaryDirectory(prefix="smart360-audit-") as folder:
        scratch = Path(folder)
        why = []
        source = None
        for candidate in sources:
            ok, reason = reachable(candidate, scratch, run)
            if ok:
                source = candidate
                break
            why.append(reason)
        if source is None:
            return Report(None, why_not_run="; ".join(why))
        requirements = scratch / "requirements.txt"
        export_lock(root, requirements, run)
        result = run(pip_audit_command(requirements, source))
        try:
            found = parse(_json_tail(result))
        except (ValueError, KeyError) as exc:
            return Report(None, why_not_run=f"{source}: pip-audit failed: {exc}")
        return Report(source, found["audited"], found["vulnerable"], found["skipped"])


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    from smart360.registry import load

    sources = tuple(s for s in os.environ.get("SMART360_AUDIT_SOURCES", "").split(",") if s) or SOURCES
    report = audit(load().root, sources=sources)
    for line in report.lines():
        print(line)  # noqa: T201
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
