"""Service-to-service calls: a service account token from auth (client credentials from env).

SMART360_CLIENT_ID (default: this service's name) and SMART360_CLIENT_SECRET identify the
service to auth; the token is cached until shortly before it expires.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from django.conf import settings

from smart360 import env
from smart360.http import ServiceClient, ServiceUnavailable
from smart360.registry import IDENTITY_SERVICE

_lock = threading.Lock()
_cached: dict[str, Any] = {"token": "", "expires": 0.0}
MARGIN_SECONDS = 60


def service_token() -> str:
    with _lock:
        if _cached["token"] and time.time() < _cached["expires"] - MARGIN_SECONDS:
            return str(_cached["token"])
        client = ServiceClient(IDENTITY_SERVICE)
        try:
            response = client.post(
                "api/v1/token/",
                json={
                    "grant_type": "client_credentials",
                    "client_id": env.optional("SMART360_CLIENT_ID", settings.SMART360_SERVICE),
                    "client_secret": env.required("SMART360_CLIENT_SECRET"),
                },
            )
        finally:
            client.close()
        if response.status_code != 200:
            raise ServiceUnavailable(f"auth refused client credentials: {response.status_code}")
        body = response.json()
        _cached.update(token=body["access"], expires=time.time() + int(body["expires_in"]))
        return str(body["access"])


class AuthenticatedServiceClient(ServiceClient):
    """ServiceClient that sends this service's own bearer token (renewed on a 401 once)."""

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {service_token()}"}
        response = super().request(method, path, headers=headers, **kwargs)
        if response.status_code == 401:
            _cached.update(token="", expires=0.0)
            headers["Authorization"] = f"Bearer {service_token()}"
            response = super().request(method, path, headers=headers, **kwargs)
        return response
