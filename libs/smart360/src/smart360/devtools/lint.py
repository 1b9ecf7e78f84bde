"""`smart360 lint`: ruff, mypy, import-linter contracts from the registry, makemigrations --check,
bandit against its reviewed baseline (bandit-baseline.json)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from smart360.registry import Registry

BIN = Path(sys.executable).parent
# makemigrations needs settings, not a database: placeholders that point nowhere.
PLACEHOLDER_ENV = {
    "DJANGO_SECRET_KEY": "lint", "DATABASE_HOST": "127.0.0.1", "DATABASE_PORT": "1",
    "DATABASE_PASSWORD": "lint", "REDIS_URL": "redis://127.0.0.1:1/0",
    "PYTHONWARNINGS": "ignore::RuntimeWarning",  # "could not check migration history"
}


# The library's layers, top to bottom: a module may import from its own layer's package and
# from the layers below it, never above. Siblings joined by | are independent of each other;
# by : they may import each other.
LIBRARY_LAYERS = [
    "cli",
    "stack : deploy : devtools : scaffold : mail : demo : flow : console",
    "testing",
    "api",
    "domain",
    "events",
    "jobs",
    "django : settings",
    "identity | celery",
    "observability",
    "contracts",
    "registry : env : errors : conf : logging : requestid : redis : http : text",
]


def layers_contract() -> str:
    layers = "".join(f"    {line}\n" for line in LIBRARY_LAYERS)
    return ("[importlinter:contract:library-layers]\n"
            "name = The library's layers only import downwards\ntype = layers\n"
            "exhaustive = true\ncontainers =\n    smart360\nlayers =\n" + layers)


def import_contracts(registry: Registry) -> str:
    """import-linter config: services independent of each other; the library imports none; the
    library's own layers (no cycles hidden behind deferred imports)."""
    services = [s.package for s in registry.services.values()]
    listing = "".join(f"    {p}\n" for p in services)
    return (
        "[importlinter]\nroot_packages =\n    smart360\n" + listing + "include_external_packages = False\n\n"
        "[importlinter:contract:services-independent]\n"
        "name = Services never import each other\ntype = independence\nmodules =\n" + listing + "\n"
        "[importlinter:contract:library-imports-no-service]\n"
        "name = The platform library imports no service\ntype = forbidden\n"
        "source_modules =\n    smart360\nforbidden_modules =\n" + listing + "\n"
        + layers_contract()
    )


def mypy_config(registry: Registry, service: str) -> str:
    """mypy for one service, with its own Django settings: the repository's [tool.mypy] options,
    the service's folder on the path."""
    options = tomllib.loads((registry.root / "pyproject.toml").read_text())["tool"]["mypy"]
    lines = ["[mypy]"]
    for key, value in options.items():
        if key == "overrides":
            continue
        if key == "mypy_path":
            value = f"services/{service}"
        if key == "exclude":
            value = "(" + "|".join(value) + ")"
        lines.append(f"{key} = {', '.join(value) if isinstance(value, list) else value}")
    lines += ["", "[mypy.plugins.django-stubs]", f"django_settings_module = {service}.settings"]
    for override in options.get("overrides", []):
        modules = ",".join(override["module"])
        lines += ["", f"[mypy-{modules}]"]
        lines += [f"{k} = {v}" for k, v in override.items() if k != "module"]
    return "\n".join(lines) + "\n"


def _run(name: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None
         ) -> tuple[str, int, str]:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=900)
    return name, result.returncode, (result.stdout + result.stderr).strip()


BANDIT_BASELINE = "bandit-baseline.json"


def bandit_command(registry: Registry) -> list[str]:
    """bandit on what ships (the library, each service's package, the CDK app), not on tests or
    bench/; only findings missing from the reviewed baseline fail."""
    targets = ["libs/smart360/src", "infra/smart360_infra",
               *(f"services/{s.name}/{s.package}" for s in registry.services.values())]
    return [str(BIN / "bandit"), "--quiet", "--configfile", "pyproject.toml", "--recursive", *targets,
            "--exclude", "*/migrations/*,*/tests/*", "--baseline", BANDIT_BASELINE]


def checks(registry: Registry) -> list[tuple[str, list[str], Path, dict[str, str] | None]]:
    root = registry.root
    scratch = Path(tempfile.mkdtemp())
    contracts = scratch / "importlinter.ini"
    contracts.write_text(import_contracts(registry))
    jobs: list[tuple[str, list[str], Path, dict[str, str] | None]] = [
        ("ruff", [str(BIN / "ruff"), "check", "."], root, None),
        ("mypy", [str(BIN / "mypy"), "libs/smart360/src/smart360"], root,
         {**os.environ, **PLACEHOLDER_ENV, "PYTHONPATH": str(root / "libs/smart360/tests")}),
        ("import-linter", [str(BIN / "lint-imports"), "--config", str(contracts), "--no-cache"],
         root, None),
        ("bandit", bandit_command(registry), root, None),
    ]
    for svc in registry.services.values():
        config = scratch / f"mypy-{svc.name}.ini"
        config.write_text(mypy_config(registry, svc.package))
        jobs.append((f"mypy:{svc.name}",
                     [str(BIN / "mypy"), "--config-file", str(config), "--cache-dir",
                      str(root / ".state" / "mypy" / svc.name), f"services/{svc.name}/{svc.package}"],
                     root, {**os.environ, **PLACEHOLDER_ENV}))
    for svc in registry.services.values():
        env = {**os.environ, **PLACEHOLDER_ENV, "DJANGO_SETTINGS_MODULE": f"{svc.package}.settings"}
        jobs.append((f"migrations:{svc.name}",
                     [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
                     root / "services" / svc.name, env))
    return jobs


def lint(registry: Registry) -> bool:
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda job: _run(*job), checks(registry)))
    ok = True
    for name, code, output in results:
        print(f"{'ok  ' if code == 0 else 'FAIL'} {name}")
        if code != 0:
            ok = False
            print("     " + output[-4000:].replace("\n", "\n     "))
    return ok
