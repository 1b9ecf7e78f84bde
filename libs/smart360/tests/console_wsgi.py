"""What the console's tests share: a JWT-shaped token and one WSGI call against the console."""

from __future__ import annotations

import base64
import io
import json
import time
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

from smart360.console.sessions import COOKIE


def token(roles: list[str], exp: float | None = None) -> str:
    """A JWT-shaped token (the console never checks its signature: whoami does)."""
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'RS256'})}.{part({'exp': exp or time.time() + 900, 'roles': roles})}.c2ln"


def call(app, method: str, path: str, *, cookie: str = "", form: dict | None = None):
    """(status, headers, text) of one request; `path` may carry a query string."""
    environ: dict = {"REQUEST_METHOD": method, "PATH_INFO": path.partition("?")[0],
                     "QUERY_STRING": path.partition("?")[2]}
    setup_testing_defaults(environ)
    if cookie:
        environ["HTTP_COOKIE"] = f"{COOKIE}={cookie}"
    body = urlencode(form or {}).encode()
    environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    seen: dict = {}

    def start_response(status_line, headers):
        seen["status"], seen["headers"] = int(status_line.split()[0]), dict(headers)

    text = b"".join(app(environ, start_response)).decode()
    return seen["status"], seen["headers"], text
