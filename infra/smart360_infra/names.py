"""Names shared by everything that touches the cluster: CDK, `smart360 deploy`, Jenkins.

Kept in one place so that a task definition registered by the deploy command lands in the same
family, log group and secret as the ones this stack creates.
"""

from __future__ import annotations

from smart360.registry import Cluster, Role, Service

WEB_CONTAINER_PORT = 8000  # gunicorn binds here inside the container; the host port is dynamic
PGBOUNCER_PORT = 6432
POSTGRES_PORT = 5432
REDIS_PORT = 6379
# Docker's dynamic host-port range for bridge networking (ECS-optimized AMIs): ALB -> instances.
EPHEMERAL_PORTS = (32768, 65535)
SERVICE_DISCOVERY_NAMESPACE = "smart360.internal"
PGBOUNCER_HOST = f"pgbouncer.{SERVICE_DISCOVERY_NAMESPACE}"


def ecs_service_name(service: Service, role: Role) -> str:
    """ECS service name and task-definition family, e.g. `cx-web`."""
    return f"{service.name}-{role}"


def repository_name(cluster: Cluster, service: Service) -> str:
    return f"{cluster.image_repository_prefix}/{service.name}"


def log_group_name(cluster: Cluster, service_or_component: str, role: str | None = None) -> str:
    suffix = f"/{role}" if role else ""
    return f"/ecs/{cluster.name}/{service_or_component}{suffix}"


def secret_name(cluster: Cluster, service: Service, what: str) -> str:
    """Secrets Manager name, e.g. `smart360-prod/cx/database-password`."""
    return f"{cluster.name}/{service.name}/{what}"


# Secrets every service gets (env var -> secret suffix), plus the one only `auth` holds.
SERVICE_SECRETS = {
    "DJANGO_SECRET_KEY": "django-secret-key",
    "DATABASE_PASSWORD": "database-password",
}
JWT_SERVICE = "auth"
JWT_SECRET = ("JWT_PRIVATE_KEY", "jwt-private-key")
