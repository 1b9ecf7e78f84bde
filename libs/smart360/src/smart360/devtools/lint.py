"""`smart360 lint`: ruff, mypy, import-linter contracts from the registry, makemigrations --check."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
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


def import_contracts(registry: Registry) -> str:
    """import-linter config: services independent of each other; the library imports none."""
    services = [s.package for s in registry.services.values()]
    listing = "".join(f"    {p}\n" for p in services)
    return (
        "[importlinter]\nroot_packages =\n    smart360\n" + listing + "include_external_packages = False\n\n"
        "[importlinter:contract:services-independent]\n"
        "name = Services never import each other\ntype = independence\nmodules =\n" + listing + "\n"
        "[importlinter:contract:library-imports-no-service]\n"
        "name = The platform library imports no service\ntype = forbidden\n"
        "source_modules =\n    smart360\nforbidden_modules =\n" + listing
    )


def _run(name: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None
         ) -> tuple[str, int, str]:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=900)
    return name, result.returncode, (result.stdout + result.stderr).strip()


def checks(registry: Registry) -> list[tuple[str, list[str], Path, dict[str, str] | None]]:
    root = registry.root
    contracts = Path(tempfile.mkdtemp()) / "importlinter.ini"
    contracts.write_text(import_contracts(registry))
    jobs: list[tuple[str, list[str], Path, dict[str, str] | None]] = [
        ("ruff", [str(BIN / "ruff"), "check", "."], root, None),
        ("mypy", [str(BIN / "mypy"), "libs/smart360/src/smart360"], root,
         {**os.environ, **PLACEHOLDER_ENV, "PYTHONPATH": str(root / "libs/smart360/tests")}),
        ("import-linter", [str(BIN / "lint-imports"), "--config", str(contracts), "--no-cache"],
         root, None),
    ]
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
