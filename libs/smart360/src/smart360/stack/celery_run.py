"""Start a worker or a beat through Celery's Python API rather than its command line.

    python -m smart360.stack.celery_run worker APP --queues cx --hostname cx@%h --concurrency 1
    python -m smart360.stack.celery_run beat APP

What `celery worker` / `celery beat` end up doing (app.Worker(...).start(), app.Beat().run()),
without importing the command line first: every subcommand, click plugins and, through
`celery amqp`, click_repl and prompt_toolkit (~500 modules, ~18 MB in each of the stack's nine
workers and nine beats; bench/README.md). Images keep the `celery` command (entrypoint.sh).
"""

from __future__ import annotations

import argparse
import sys

from celery.utils.imports import symbol_by_name
from celery.utils.nodenames import default_nodename, host_format


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="celery_run")
    parser.add_argument("role", choices=["worker", "beat"])
    parser.add_argument("app", help="dotted path of the module holding `app`")
    parser.add_argument("--queues", default="")
    parser.add_argument("--hostname", default=None)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--loglevel", default="INFO")
    args = parser.parse_args(argv)
    app = symbol_by_name(f"{args.app}:app")
    if args.role == "beat":
        app.Beat(loglevel=args.loglevel).run()
        return 0
    worker = app.Worker(
        hostname=host_format(default_nodename(args.hostname)), queues=args.queues or None,
        concurrency=args.concurrency, loglevel=args.loglevel,
        without_mingle=True, without_gossip=True)
    worker.start()
    return int(worker.exitcode or 0)


if __name__ == "__main__":
    sys.exit(main())
