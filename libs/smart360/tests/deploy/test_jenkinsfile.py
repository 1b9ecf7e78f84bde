"""The Jenkinsfile calls only repository commands, and only ones that exist."""

from __future__ import annotations

import re

from smart360.cli import main

from .conftest import REPO_ROOT

ALLOWED = ("make ", "$SMART360 ", "${env.SMART360} ", "git rev-parse ")
_SH = re.compile(r"""\bsh\s*(?:\(\s*returnStdout:\s*true,\s*script:\s*)?(['"])(.+?)\1""")


def _commands() -> list[str]:
    text = (REPO_ROOT / "Jenkinsfile").read_text()
    return [m.group(2) for m in _SH.finditer(text)]


def test_every_step_is_make_or_smart360() -> None:
    commands = _commands()
    assert len(commands) >= 8
    for command in commands:
        assert command.startswith(ALLOWED), command


def test_every_smart360_subcommand_exists_and_the_pipeline_order_holds() -> None:
    used = [re.split(r"\s+", c.split("SMART360", 1)[1].lstrip("} "))[0]
            for c in _commands() if "SMART360" in c]
    assert set(used) <= set(main.commands), set(used) - set(main.commands)
    order = ["changed-services", "render", "image", "image", "deploy", "smoke"]
    assert [u for u in used if u in order] == order
    assert any(c.startswith("make test") for c in _commands())
