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


PLATFORM = "linux/amd64"  # the ECS-optimized instances (m6i) are x86_64


def build_command(root: Path, service: Service, tag: str) -> list[str]:
    return ["docker", "build", "--platform", PLATFORM, "--file", str(root / "docker" / "Dockerfile"),
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


def tag_exists(ecr: Any, registry: Registry, service: Service, tag: str) -> bool:
    """ECR tags are immutable: a pipeline re-run of the same commit must skip the push."""
    try:
        found = ecr.describe_images(repositoryName=names.repository_name(registry, service),
                                    imageIds=[{"imageTag": tag}])
    except Exception as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") == "ImageNotFoundException":
            return False
        raise
    return bool(found.get("imageDetails"))


def architecture_problem(service: Service, tag: str, run: Any = subprocess.run) -> str:
    """'' when the local image is linux/amd64, else why it must not be pushed."""
    result = run(["docker", "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}",
                  local_tag(service, tag)], capture_output=True, text=True, check=True)
    built = result.stdout.strip()
    return "" if built == PLATFORM else f"{local_tag(service, tag)} is {built}, not {PLATFORM}"
