"""Build and push one service's image (docker CLI; ECR login through boto3)."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from typing import Any

from smart360.deploy import names
from smart360.registry import Registry, Service


def local_tag(service: Service, tag: str) -> str:
    return f"smart360-{service.name}:{tag}"


def build_command(root: Path, service: Service, tag: str) -> list[str]:
    return ["docker", "build", "--file", str(root / "docker" / "Dockerfile"),
            "--build-arg", f"SERVICE={service.name}", "--tag", local_tag(service, tag),
            "--label", f"org.opencontainers.image.revision={tag}", str(root)]


def push_commands(registry: Registry, service: Service, tag: str, account: str
                  ) -> list[list[str]]:
    remote = names.image_uri(registry, service, tag, account)
    return [["docker", "tag", local_tag(service, tag), remote], ["docker", "push", remote]]


def ecr_login(ecr: Any, run: Any = subprocess.run) -> None:
    auth = ecr.get_authorization_token()["authorizationData"][0]
    user, password = base64.b64decode(auth["authorizationToken"]).decode().split(":", 1)
    run(["docker", "login", "--username", user, "--password-stdin", auth["proxyEndpoint"]],
        input=password, text=True, check=True)
