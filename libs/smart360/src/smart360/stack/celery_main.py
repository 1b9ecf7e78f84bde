"""`celery` for the stack's workers and beats, without the REPL that no worker or beat runs.

    python -m smart360.stack.celery_main -A smart360.celery.app worker ...

Celery's command line imports `celery.bin.amqp`, which imports click_repl (and with it
prompt_toolkit: ~250 modules, 11 MB) only to offer the interactive `celery amqp repl`. Every
worker and beat would carry it; nine of each make ~200 MB of the stack (bench/README.md).
Everything else is Celery's own entry point, unchanged.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _no_repl() -> types.ModuleType:
    module = types.ModuleType("click_repl")

    def register_repl(group: Any, name: str = "repl") -> None:
        """`celery amqp repl` is not offered by these processes."""

    module.register_repl = register_repl  # type: ignore[attr-defined]
    return module


def main() -> None:
    sys.modules.setdefault("click_repl", _no_repl())
    from celery.__main__ import main as celery

    celery()


if __name__ == "__main__":
    main()
