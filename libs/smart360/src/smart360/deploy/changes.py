"""Which services a set of changed files affects (Jenkins builds and deploys only those)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from smart360.registry import Registry

# Anything that goes into every image: a change here rebuilds and redeploys all services.
SHARED = ("libs/", "uv.lock", "pyproject.toml", "services.toml", "docker/Dockerfile",
          "docker/entrypoint.sh", "docker/Dockerfile.dockerignore")


def services_for_paths(registry: Registry, paths: list[str]) -> list[str]:
    hit: set[str] = set()
    for path in paths:
        if path.startswith(SHARED):
            return list(registry.services)
        parts = path.split("/")
        if parts[0] == "services" and len(parts) > 1 and parts[1] in registry.services:
            hit.add(parts[1])
        elif path.startswith("bifrost/task-definitions/"):
            family = Path(path).stem
            hit.update(s for s in registry.services if family.rsplit("-", 1)[0] == s)
        elif path.startswith("bifrost/environment-variables/"):
            hit.update(s for s in registry.services if Path(path).stem == s)
    return [name for name in registry.services if name in hit]  # registry order


def changed_paths(root: Path, since: str) -> list[str]:
    """Files changed between `since` and HEAD (merge-base diff, like a pull request)."""
    result = subprocess.run(["git", "diff", "--name-only", f"{since}...HEAD"], cwd=root,
                            check=True, capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line.strip()]
