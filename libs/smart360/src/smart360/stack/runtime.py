"""The virtualenvs the stack's processes run from, made by uv from uv.lock.

`.venv` (the developer's) also holds the dev group: pytest, schemathesis, moto... Some of it is
imported as a side effect when present (structlog loads rich and pygments for tracebacks, DRF
loads requests): ~200 modules and ~7 MB more in every one of the stack's ~60 Python processes.
So the services run from `.state/runtime`: `uv sync --no-dev`, what the image installs, the
library and services editable as in `.venv`, and bytecode compiled once, so that no process
compiles source at start-up (with PYTHONDONTWRITEBYTECODE each would, at every start).

Flower runs from `.state/tools-flower` (the `stack` dependency group alone): installed beside
the services, its Celery plugin would load Flower, Tornado and prompt_toolkit into every
`celery` command (+15 MB per worker and beat).

Both live beside the state folders, never in one: an empty state folder must not mean new
virtualenvs. `uv sync` is a no-op (~0.5 s) when the lock has not changed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from smart360.stack.layout import Stack
from smart360.stack.system import StackError, run


def venv_dir(stack: Stack, name: str = "runtime") -> Path:
    return stack.registry.root / ".state" / name


def bindir(stack: Stack) -> Path:
    """The services' virtualenv."""
    return venv_dir(stack) / "bin"


def flower_bindir(stack: Stack) -> Path:
    return venv_dir(stack, "tools-flower") / "bin"


def _uv(stack: Stack) -> str:
    found = shutil.which("uv") or str(stack.registry.root / ".state" / "tools" / "bin" / "uv")
    if not os.access(found, os.X_OK):
        raise StackError("uv not found; run `make bootstrap` first")
    return found


def _sync(stack: Stack, folder: Path, *selection: str) -> None:
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(folder), "UV_PYTHON_DOWNLOADS": "never"}
    # uv gives bytecode compilation 60 s by default: not enough on two busy cores.
    env.setdefault("UV_COMPILE_BYTECODE_TIMEOUT", "900")
    env.pop("VIRTUAL_ENV", None)
    run([_uv(stack), "sync", "--frozen", "--compile-bytecode", "--quiet", *selection,
         "--directory", str(stack.registry.root)], env=env, timeout=900)


def ensure(stack: Stack) -> None:
    """Create or update both virtualenvs from uv.lock."""
    # OpenTelemetry only with --with-traces: installed, redis-py would import its metrics SDK
    # into every process (~2.3 MB each) even with tracing off.
    _sync(stack, venv_dir(stack), "--all-packages", "--no-dev",
          *(["--extra", "traces"] if stack.with_traces else []))
    _sync(stack, venv_dir(stack, "tools-flower"), "--only-group", "stack")
