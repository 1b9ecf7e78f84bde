"""The service registry (`services.toml`), loaded into typed, validated objects.

Everything that differs per service is read from here; nothing per service is hand-copied.
"""

from __future__ import annotations

import itertools
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

Role = Literal["web", "worker", "beat"]
ROLES: tuple[Role, ...] = ("web", "worker", "beat")
REGISTRY_FILE = "services.toml"
IDENTITY_SERVICE = "auth"  # issues tokens and the JWKS; every other service verifies locally
PORT_BLOCK = 10  # a service owns local_port .. local_port + 9
METRICS_PORTS: dict[Role, int] = {"worker": PORT_BLOCK - 2, "beat": PORT_BLOCK - 1}
_NAME = re.compile(r"^[a-z][a-z0-9]{1,19}$")
_EVENT = re.compile(r"^[a-z0-9]+\.[a-z_]+\.[a-z_]+$")
_MODULE = re.compile(r"^[a-z][a-z_]{1,39}$")
ACTIONS = ("read", "write")


class RegistryError(ValueError):
    """The registry file is missing or says something inconsistent."""


@dataclass(frozen=True)
class RoleSpec:
    """Size and scaling of one process type (web, worker or beat) of one service."""

    role: Role
    cpu: int
    memory: int
    min_tasks: int = 1
    max_tasks: int = 1
    cpu_target_percent: int | None = None
    memory_target_percent: int | None = None
    gunicorn_workers: int = 0
    gunicorn_threads: int = 0
    concurrency: int = 0
    soft_time_limit_seconds: int = 0
    time_limit_seconds: int = 0
    health_path: str = ""
    # Workers scale on their queue's backlog: one more task per this many waiting messages.
    backlog_per_task: int = 0

    @property
    def db_connections_per_task(self) -> int:
        """Connections one task may hold open (each thread/process keeps one)."""
        if self.role == "web":
            return self.gunicorn_workers * self.gunicorn_threads
        if self.role == "worker":
            return self.concurrency
        return 1


@dataclass(frozen=True)
class Service:
    name: str
    description: str
    prefix: str
    local_port: int
    database: str
    db_role: str
    queues: tuple[str, ...]
    publishes: tuple[str, ...]
    subscribes: tuple[str, ...]
    roles: dict[Role, RoleSpec] = field(hash=False, compare=False)
    modules: tuple[str, ...] = ()  # permission modules: `<service>.<module>.read|write`

    @property
    def queue(self) -> str:
        """The default queue: the one the service's own tasks and events land on."""
        return self.queues[0]

    @property
    def health_path(self) -> str:
        return f"{self.prefix}{self.roles['web'].health_path}"

    @property
    def ready_path(self) -> str:
        return f"{self.prefix}readyz"

    @property
    def package(self) -> str:
        """The service's top-level Python package (its Django project)."""
        return self.name

    def permission_codes(self) -> list[str]:
        return [f"{self.name}.{m}.{a}" for m in self.modules for a in ACTIONS]

    def web(self) -> RoleSpec:
        return self.roles["web"]

    def worker(self) -> RoleSpec:
        return self.roles["worker"]

    def beat(self) -> RoleSpec:
        return self.roles["beat"]


@dataclass(frozen=True)
class Asg:
    min: int
    max: int
    desired: int
    instance_warmup_seconds: int
    on_demand_only: bool
    multi_az: bool
    cpu_target_percent: int
    instance_type: str


@dataclass(frozen=True)
class Database:
    engine_version: str
    instance_class: str
    max_connections: int
    pgbouncer_default_pool_size: int
    pgbouncer_max_client_conn: int
    pgbouncer_tasks: int


@dataclass(frozen=True)
class Cluster:
    name: str
    region: str
    image_repository_prefix: str
    asg: Asg
    database: Database


@dataclass(frozen=True)
class LocalStack:
    """Ports and sizes of the one-machine stack. SMART360_PORT_OFFSET shifts every port."""

    gateway_port: int
    postgres_port: int
    pgbouncer_port: int
    redis_port: int
    smtp_port: int
    haproxy_stats_port: int
    flower_port: int              # Celery monitoring, behind the gateway at /flower/
    prometheus_port: int          # only with `smart360 up --with-metrics`
    web_instances: int
    web_workers: int
    web_threads: int
    worker_concurrency: int
    memory_budget_mb: int
    port_offset: int = 0
    profile: str = "default"  # SMART360_PROFILE: a [local.profiles.NAME] table overrides keys

    def port(self, name: str) -> int:
        return int(getattr(self, f"{name}_port")) + self.port_offset

    def web_port(self, service: Service, instance: int) -> int:
        return service.local_port + instance + self.port_offset

    def metrics_port(self, service: Service, role: Role) -> int:
        """Where a worker or beat serves /metrics: the last two ports of the service's block of
        ten (web instances take the first ones)."""
        return service.local_port + METRICS_PORTS[role] + self.port_offset


@dataclass(frozen=True)
class Registry:
    path: Path
    cluster: Cluster
    local: LocalStack
    services: dict[str, Service]
    # Role name -> permission patterns. Tenant roles are what a tenant admin may assign;
    # platform roles (ops, service) never are.
    tenant_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    platform_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The repository root (the registry file's folder)."""
        return self.path.parent

    def service(self, name: str) -> Service:
        try:
            return self.services[name]
        except KeyError:
            known = ", ".join(self.services)
            raise RegistryError(f"unknown service {name!r}; the registry has: {known}") from None

    def subscribers(self, event_type: str) -> list[Service]:
        return [s for s in self.services.values() if event_type in s.subscribes]

    def publisher(self, event_type: str) -> Service | None:
        return next((s for s in self.services.values() if event_type in s.publishes), None)

    def event_types(self) -> list[str]:
        return [e for s in self.services.values() for e in s.publishes]

    def permission_codes(self) -> list[str]:
        return [c for s in self.services.values() for c in s.permission_codes()]


def _role_spec(role: Role, defaults: dict[str, Any], override: dict[str, Any]) -> RoleSpec:
    values = {**defaults, **override}
    unknown = set(values) - set(RoleSpec.__dataclass_fields__) - {"role"}
    if unknown:
        raise RegistryError(f"unknown {role} setting(s): {', '.join(sorted(unknown))}")
    if role == "beat":  # exactly one beat, whatever anybody writes
        values.update(min_tasks=1, max_tasks=1)
    return RoleSpec(role=role, **values)


def _service(name: str, data: dict[str, Any], defaults: dict[str, Any]) -> Service:
    if not _NAME.match(name):
        raise RegistryError(f"service name {name!r} must be 2-20 lowercase letters/digits")
    roles = {r: _role_spec(r, defaults.get(r, {}), data.get(r, {})) for r in ROLES}
    svc = Service(
        name=name,
        description=data.get("description", ""),
        prefix=data.get("prefix", f"/{name}/"),
        local_port=int(data["local_port"]),
        database=data.get("database", f"smart360_{name}"),
        db_role=data.get("db_role", f"svc_{name}"),
        queues=tuple(data.get("queues", [name])),
        publishes=tuple(data.get("publishes", [])),
        subscribes=tuple(data.get("subscribes", [])),
        roles=roles,
        modules=tuple(data.get("modules", [])),
    )
    for module in svc.modules:
        if not _MODULE.match(module):
            raise RegistryError(f"{name}: module {module!r} must be 2-40 lowercase letters or _")
    if svc.prefix != f"/{name}/":
        raise RegistryError(f"{name}: prefix must be /{name}/ (the ALB routes by it unrewritten)")
    for event in svc.publishes + svc.subscribes:
        if not _EVENT.match(event):
            raise RegistryError(f"{name}: event {event!r} is not <service>.<entity>.<verb>")
    for event in svc.publishes:
        if not event.startswith(f"{name}."):
            raise RegistryError(f"{name}: may only publish its own events, not {event!r}")
    return svc


def _local(data: dict[str, Any], port_offset: int, profile: str) -> LocalStack:
    values = dict(data)
    profiles = values.pop("profiles", {})
    if profile != "default":
        if profile not in profiles:
            known = ", ".join(["default", *profiles])
            raise RegistryError(f"unknown local profile {profile!r}; the registry has: {known}")
        unknown = set(profiles[profile]) - set(values)
        if unknown:
            raise RegistryError(f"profile {profile}: unknown setting(s) {', '.join(sorted(unknown))}")
        values.update(profiles[profile])
    return LocalStack(**values, port_offset=port_offset, profile=profile)


def parse(path: Path, port_offset: int = 0, profile: str = "default") -> Registry:
    data = tomllib.loads(path.read_text())
    cluster = data["cluster"]
    services = {
        name: _service(name, body, data.get("defaults", {}))
        for name, body in data.get("services", {}).items()
    }
    registry = Registry(
        path=path.resolve(),
        cluster=Cluster(
            name=cluster["name"],
            region=cluster["region"],
            image_repository_prefix=cluster["image_repository_prefix"],
            asg=Asg(**cluster["asg"]),
            database=Database(**cluster["database"]),
        ),
        local=_local(data["local"], port_offset, profile),
        services=services,
        tenant_roles=_roles(data, "tenant"),
        platform_roles=_roles(data, "platform"),
    )
    _check_consistency(registry)
    return registry


def _roles(data: dict[str, Any], kind: str) -> dict[str, tuple[str, ...]]:
    return {name: tuple(grants) for name, grants in data.get("roles", {}).get(kind, {}).items()}


def grant_parts(pattern: str) -> tuple[str, str, str]:
    """A grant as (service, module, action), `*` matching anything: `*`, `cx.*`, `cx.consumers.*`,
    `*.read`, `cx.*.read` or a plain code `cx.consumers.write`."""
    parts = pattern.split(".")
    if parts == ["*"]:
        return ("*", "*", "*")
    if len(parts) == 2 and parts[0] == "*":
        return ("*", "*", parts[1])
    if len(parts) == 2 and parts[1] == "*":
        return (parts[0], "*", "*")
    if len(parts) == 3:
        return (parts[0], parts[1], parts[2])
    raise RegistryError(f"grant {pattern!r} is not *, svc.*, svc.module.*, *.action or a code")


def grants(pattern: str, code: str) -> bool:
    """Does a grant pattern cover a permission code (`cx.consumers.read`)?"""
    try:
        wanted = grant_parts(pattern)
    except RegistryError:
        return False
    return all(w in ("*", c) for w, c in zip(wanted, code.split("."), strict=False))


def _check_grant(registry: Registry, role: str, pattern: str) -> None:
    service, module, action = grant_parts(pattern)
    known = service == "*" or (service in registry.services and (
        module == "*" or module in registry.services[service].modules))
    if action not in ("*", *ACTIONS) or not known:
        raise RegistryError(f"role {role}: grant {pattern!r} names no known service/module/action")


def _check_consistency(registry: Registry) -> None:
    for role, grants in {**registry.tenant_roles, **registry.platform_roles}.items():
        for pattern in grants:
            _check_grant(registry, role, pattern)
    both = set(registry.tenant_roles) & set(registry.platform_roles)
    if both:
        raise RegistryError(f"roles {sorted(both)} are both tenant and platform roles")
    published = {e for s in registry.services.values() for e in s.publishes}
    for svc in registry.services.values():
        orphans = set(svc.subscribes) - published
        if orphans:
            raise RegistryError(f"{svc.name} subscribes to unpublished events: {sorted(orphans)}")
    for attr in ("local_port", "database", "db_role", "queue"):
        seen: dict[object, str] = {}
        for svc in registry.services.values():
            value = getattr(svc, attr)
            if value in seen:
                raise RegistryError(f"{svc.name} and {seen[value]} share {attr} {value!r}")
            seen[value] = svc.name
    if registry.local.web_instances > min(METRICS_PORTS.values()):
        raise RegistryError(f"at most {min(METRICS_PORTS.values())} local web instances per service")
    ports = sorted(s.local_port for s in registry.services.values())
    for low, high in itertools.pairwise(ports):
        if high - low < PORT_BLOCK:
            raise RegistryError(f"local ports {low} and {high} overlap across web instances "
                                f"and metrics ports (each service owns {PORT_BLOCK})")


def find_registry_file(start: Path | None = None) -> Path:
    """SMART360_REGISTRY, else the nearest services.toml above `start`/cwd or this library."""
    explicit = os.environ.get("SMART360_REGISTRY")
    if explicit:
        return Path(explicit)
    for origin in (start or Path.cwd(), Path(__file__).resolve()):
        for folder in (origin, *origin.parents):
            candidate = folder / REGISTRY_FILE
            if candidate.is_file():
                return candidate
    raise RegistryError(f"no {REGISTRY_FILE} found; set SMART360_REGISTRY")


@cache
def load() -> Registry:
    return parse(find_registry_file(), int(os.environ.get("SMART360_PORT_OFFSET", "0")),
                 os.environ.get("SMART360_PROFILE") or "default")
