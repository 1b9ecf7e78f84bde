"""`smart360 render`: every generated deployment file, and a drift check against the tree."""

from __future__ import annotations

from pathlib import Path

from smart360.deploy import compose, names, taskdefs
from smart360.deploy.validate import validate
from smart360.registry import ROLES, Registry

TASK_DEFINITIONS = "bifrost/task-definitions"
ENVIRONMENT_VARIABLES = "bifrost/environment-variables"
GENERATED_DIRS = (TASK_DEFINITIONS, ENVIRONMENT_VARIABLES)


def task_definition_path(family: str) -> str:
    return f"{TASK_DEFINITIONS}/{family}.json"


def env_file_path(env: str, service: str) -> str:
    return f"{ENVIRONMENT_VARIABLES}/{env}/{service}.env"


def files(registry: Registry) -> dict[str, str]:
    """Repository-relative path -> content of every generated deployment file."""
    out: dict[str, str] = {}
    for svc in registry.services.values():
        for role in ROLES:
            document = taskdefs.task_definition(registry, svc, role)
            validate(document, svc, template=True)
            out[task_definition_path(document["family"])] = taskdefs.to_json(document)
        for env in names.environments(registry).values():
            out[env_file_path(env.name, svc.name)] = taskdefs.env_file(registry, svc, env)
    out.update(compose.files(registry))
    return dict(sorted(out.items()))


def write(root: Path, generated: dict[str, str]) -> list[Path]:
    """Write the files and delete generated files no longer produced (a removed service)."""
    written = []
    for rel, content in generated.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
            written.append(path)
    for stale in _stale(root, generated):
        stale.unlink()
        written.append(stale)
    return written


def drift(root: Path, generated: dict[str, str]) -> list[str]:
    """Paths whose committed content differs from the generator (missing, changed or stale)."""
    changed = [rel for rel, content in generated.items()
               if not (root / rel).is_file() or (root / rel).read_text() != content]
    return changed + [str(p.relative_to(root)) for p in _stale(root, generated)]


def _stale(root: Path, generated: dict[str, str]) -> list[Path]:
    found = []
    for folder in GENERATED_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and str(path.relative_to(root)) not in generated:
                found.append(path)
    return found
