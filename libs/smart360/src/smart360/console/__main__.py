"""`python -m smart360.console --port N`: the console under supervisord (program `console`).

A threaded stdlib WSGI server: one operator or two, a page every few seconds; gunicorn's
master and workers would double the memory for nothing.
"""

from __future__ import annotations

import argparse
import logging
import sys
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from smart360.console.app import Console
from smart360.stack.layout import Stack


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        line = str(args[0] if args else "")
        if "/ops/static/" not in line and "/ops/healthz" not in line:  # HAProxy checks every second
            sys.stderr.write(f"console {self.address_string()} {format % args}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="smart360.console")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    console = Console(Stack.from_env())
    console.start_sampler()
    with make_server(args.host, args.port, console, server_class=Server, handler_class=Handler) as httpd:
        sys.stderr.write(f"console listening on http://{args.host}:{args.port}/ops/\n")
        httpd.serve_forever()


if __name__ == "__main__":
    main()
