"""`smart360 test`: every suite against real servers, one pytest process per Django project.

Each service is its own Django project (own settings, own database), so each runs in its own
pytest process with the environment the local stack would give it; the end-to-end suite brings
the whole stack up and down itself. The closing line sums every suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from smart360.stack import control
from smart360.stack.layout import Stack


@dataclass
class Suite:
    name: str
    cwd: Path
    args: list[str]
    env: dict[str, str]


@dataclass
class Outcome:
    suite: str
    code: int
    seconds: float
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    output: str = ""


def suites(stack: Stack) -> list[Suite]:
    root = stack.registry.root
    base = {**os.environ}
    found = []
    lib_env = {**stack.service_env(stack.registry.service("cx"), "test")}
    for key in ("SMART360_REGISTRY", "DJANGO_SETTINGS_MODULE", "SMART360_SERVICE"):
        lib_env.pop(key)
    lib_env["DATABASE_USER"] = "svc_cx"  # the library's demo test database is created as cx
    found.append(Suite("lib", root / "libs" / "smart360", [], {**base, **lib_env}))
    for svc in stack.registry.services.values():
        found.append(Suite(svc.name, root / "services" / svc.name, [],
                           {**base, **stack.service_env(svc, "test")}))
    if (root / "infra" / "tests").is_dir():
        found.append(Suite("infra", root / "infra", [], base))
    found.append(Suite("e2e", root / "tests" / "e2e", [], base))
    return found


def _run(suite: Suite, reports: Path) -> Outcome:
    report = reports / f"{suite.name}.xml"
    report.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
           *suite.args]
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=suite.cwd, env=suite.env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=1800)
    outcome = Outcome(suite.name, result.returncode, time.monotonic() - started,
                      output=(result.stdout + result.stderr))
    if report.exists():
        node = ET.parse(report).getroot()  # noqa: S314 - our own pytest's report
        node = node if node.tag == "testsuite" else node.find("testsuite")  # type: ignore[assignment]
        total = int(node.get("tests", 0))
        outcome.failed = int(node.get("failures", 0)) + int(node.get("errors", 0))
        outcome.skipped = int(node.get("skipped", 0))
        outcome.passed = total - outcome.failed - outcome.skipped
    return outcome


def run(stack: Stack, only: list[str], skip: list[str]) -> bool:
    fresh_start(stack)  # first: the suites' environments carry this run's fresh secrets
    stack = Stack(stack.registry, stack.state_dir)
    chosen = [s for s in suites(stack)
              if (not only or s.name in only) and s.name not in skip]
    reports = stack.path("reports")
    reports.mkdir(parents=True, exist_ok=True)
    unit = [s for s in chosen if s.name != "e2e"]
    if unit:
        control.start_servers(stack, lambda m: print(f"• {m}", flush=True))
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
        for outcome in pool.map(lambda s: _run(s, reports), unit):
            _report(outcome)
            outcomes.append(outcome)
    for suite in chosen:
        if suite.name == "e2e":  # alone: it runs the whole stack
            outcome = _run(suite, reports)
            _report(outcome)
            outcomes.append(outcome)
    if not os.environ.get("SMART360_KEEP_STACK"):
        control.down(stack, lambda m: None)
    passed = sum(o.passed for o in outcomes)
    failed = sum(o.failed for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    broken = [o.suite for o in outcomes if o.code != 0]
    if broken:
        print(f"suites that failed: {', '.join(broken)}")
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return not broken and failed == 0


def fresh_start(stack: Stack) -> None:
    """Every run starts from empty servers, as CI does: no stale schema from an older checkout."""
    control.down(stack, lambda m: None)
    for folder in {stack.db_home, stack.state_dir}:
        shutil.rmtree(folder, ignore_errors=True)


def _report(o: Outcome) -> None:
    mark = "ok  " if o.code == 0 else "FAIL"
    print(f"{mark} {o.suite:<13} {o.passed:>4} passed {o.failed:>3} failed {o.skipped:>3} skipped "
          f"({o.seconds:.1f}s)", flush=True)
    if o.code != 0:
        print("     " + o.output[-6000:].replace("\n", "\n     "), flush=True)
