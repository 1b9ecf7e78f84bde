"""The image, checked statically (no Docker engine here): stages, user, entrypoint roles."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
DOCKERFILE = (REPO / "docker" / "Dockerfile").read_text()
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def _stages() -> list[str]:
    return re.split(r"^FROM ", DOCKERFILE, flags=re.M)[1:]


def test_multi_stage_with_a_slim_base_and_one_image_per_service():
    assert len(_stages()) >= 3  # uv, build, runtime
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", DOCKERFILE, re.M)
    runtime = _stages()[-1]
    assert "ARG SERVICE" in runtime
    assert "uv sync --frozen --no-dev" in DOCKERFILE  # the workspace lock, nothing else


def test_runtime_runs_as_a_non_root_user_with_the_entrypoint():
    runtime = _stages()[-1]
    user = re.findall(r"^USER (\S+)", runtime, re.M)
    assert user
    assert user[-1].split(":")[0] not in ("root", "0")
    assert 'ENTRYPOINT ["/app/entrypoint.sh"]' in runtime
    assert "--from=uv" not in runtime  # the installer stays in the build stage


def test_entrypoint_is_valid_shell_and_execs_every_role():
    assert subprocess.run(["bash", "-n", str(ENTRYPOINT)], check=False).returncode == 0
    text = ENTRYPOINT.read_text()
    for role in ("web", "worker", "beat", "migrate"):
        assert re.search(rf"^\s+{role}\)\s*$", text, re.M), role
    # exec: the role's process replaces the shell, so ECS's SIGTERM reaches gunicorn/Celery
    assert text.count("exec ") >= 5


def test_build_context_leaves_out_state_and_virtualenvs():
    ignored = (REPO / "docker" / "Dockerfile.dockerignore").read_text().split()
    for path in (".state", ".venv", ".git"):
        assert any(line.strip("/*") == path for line in ignored), path
