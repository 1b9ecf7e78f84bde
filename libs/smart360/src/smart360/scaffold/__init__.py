"""`smart360 new-service NAME`: one registry entry plus one folder in the shared pattern."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from smart360.registry import Registry, RegistryError

TEMPLATE_DIR = Path(__file__).parent / "template"


def render_service(root: Path, name: str, description: str, *, module: str = "records",
                   overwrite: bool = False) -> list[Path]:
    """Write services/<name>/ from the template: a Django project whose first app (`module`)
    is a complete example on the toolkit. Returns the files written."""
    target = root / "services" / name
    model = module[:-1] if module.endswith("s") else module
    values = {"name": name, "description": description, "module": module, "model": model,
              "Model": "".join(part.capitalize() for part in model.split("_"))}
    written = []
    for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE_DIR).with_suffix("")
        parts = [name if p == "pkg" else module if p == "module" else p for p in relative.parts]
        parts[-1] = parts[-1].replace("module", module)
        path = target.joinpath(*parts)
        if path.exists() and not overwrite:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(source.read_text()).substitute(values))
        written.append(path)
    return written


def registry_entry(registry: Registry, name: str, description: str, module: str) -> str:
    ports = [s.local_port for s in registry.services.values()]
    port = (max(ports) // 10 + 1) * 10 if ports else 8110
    return (
        f"\n[services.{name}]\n"
        f'description = "{description}"\n'
        f'prefix = "/{name}/"\n'
        f"local_port = {port}\n"
        f'database = "smart360_{name}"\n'
        f'db_role = "svc_{name}"\n'
        f'queues = ["{name}"]\n'
        "publishes = []\n"
        "subscribes = []\n"
        f'modules = ["{module}"]\n'
    )


def new_service(registry: Registry, name: str, description: str, module: str = "records"
                ) -> list[Path]:
    if not re.match(r"^[a-z][a-z0-9]{1,19}$", name):
        raise RegistryError(f"service name {name!r} must be 2-20 lowercase letters/digits")
    if not re.match(r"^[a-z][a-z_]{1,39}$", module):
        raise RegistryError(f"module {module!r} must be 2-40 lowercase letters or _")
    if name in registry.services:
        raise RegistryError(f"service {name!r} is already in the registry")
    if (registry.root / "services" / name).exists():
        raise RegistryError(f"services/{name}/ already exists")
    with registry.path.open("a") as fh:
        fh.write(registry_entry(registry, name, description, module))
    return render_service(registry.root, name, description, module=module)
