"""The Jenkinsfile calls only repository commands, and only ones that exist."""

from __future__ import annotations

import re

from smart360.cli import main

from .conftest import REPO_ROOT

ALLOWED = ("make ", "$SMART360 ", "${env.SMART360} ", "git rev-parse ")
_SH = re.compile(r"""\bsh\s*(?:\(\s*return(?:Stdout|Status):\s*true,\s*script:\s*)?(['"])(.+?)\1""")


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
    # shipTo(env) pushes, deploys, smoke-tests; the pipeline lists, checks bifrost, builds once
    ship, pipeline = (REPO_ROOT / "Jenkinsfile").read_text().split("\npipeline {", 1)
    assert [c for c in _commands() if "SMART360" in c and c in ship] == [
        "$SMART360 image push $SERVICES --tag $TAG",
        "${env.SMART360} deploy ${service} --image ${env.TAG} --env ${envName}",
        "$SMART360 smoke --env $TARGET_ENV",
    ]
    order = ["changed-services", "render", "image"]
    in_pipeline = [u for c, u in zip([c for c in _commands() if "SMART360" in c], used, strict=True)
                   if c in pipeline and u in order]
    assert in_pipeline == order
    commands = _commands()
    assert commands.index("make test") < commands.index("make audit")


def test_staging_ships_before_prod_and_audit_not_run_is_never_a_pass() -> None:
    text = (REPO_ROOT / "Jenkinsfile").read_text()
    staging, prod = text.index("shipTo('staging')"), text.index("shipTo('prod')")
    assert staging < text.index("input message") < prod
    assert "AWS_PROFILE=smart360-${envName}" in text  # each environment's own account and ECR
    assert "sh(returnStatus: true, script: 'make audit')" in text
    assert re.search(r"code == 3\)\s*\{\s*unstable\(", text)
