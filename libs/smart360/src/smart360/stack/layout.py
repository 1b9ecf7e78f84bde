"""Where the local stack keeps its state, and how it is addressed."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import secrets
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from smart360.registry import IDENTITY_SERVICE, Registry, Service, find_registry_file, parse

FALLBACK_DB_HOME = Path("/var/tmp/smart360")  # noqa: S108 - root-owned, per-checkout subfolders


@dataclass(frozen=True)
class Stack:
    registry: Registry
    state_dir: Path
    with_metrics: bool = False  # a Prometheus scraping every process (`up --with-metrics`)
    with_traces: bool = False  # every service process writes spans to Redis (`up --with-traces`)

    @classmethod
    def from_env(cls) -> Stack:
        """The stack of SMART360_STATE_DIR (default .state/local), in SMART360_PROFILE, else in
        the profile its last `up` used (recorded in the state folder), else the default one."""
        file = find_registry_file()
        state_dir = Path(os.environ.get("SMART360_STATE_DIR", file.parent / ".state" / "local"))
        recorded = state_dir / "profile"
        profile = (os.environ.get("SMART360_PROFILE")
                   or (recorded.read_text().strip() if recorded.exists() else "default"))
        registry = parse(file, int(os.environ.get("SMART360_PORT_OFFSET", "0")), profile)
        return cls(registry, state_dir.resolve(), (state_dir / "with-metrics").exists(),
                   (state_dir / "with-traces").exists())

    def record_choices(self) -> None:
        """The profile, --with-metrics and --with-traces stick to the state folder until the next
        `up` says otherwise: status, restart and down then see the stack that runs."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.path("profile").write_text(self.registry.local.profile + "\n")
        for name, chosen in (("with-metrics", self.with_metrics), ("with-traces", self.with_traces)):
            marker = self.path(name)
            if chosen:
                marker.touch()
            else:
                marker.unlink(missing_ok=True)

    # -- folders -------------------------------------------------------------------------
    def path(self, *parts: str) -> Path:
        return self.state_dir.joinpath(*parts)

    @property
    def logs(self) -> Path:
        return self.path("logs")

    @property
    def run(self) -> Path:
        return self.path("run")

    @property
    def mail_dir(self) -> Path:
        return self.path("mail")

    # -- who runs the database servers ----------------------------------------------------
    @cached_property
    def db_user(self) -> str:
        """PostgreSQL and PgBouncer refuse to run as root: use the postgres account then."""
        return "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    @cached_property
    def db_home(self) -> Path:
        """Where the database servers' files go: the state folder, unless the database user
        cannot reach it (a checkout under a private home folder); then a folder of its own."""
        if self.db_user == pwd.getpwuid(os.geteuid()).pw_name:
            return self.state_dir
        self.state_dir.mkdir(parents=True, exist_ok=True)
        reachable = subprocess.run(["runuser", "-u", self.db_user, "--", "test", "-x", str(self.state_dir)],
                                   capture_output=True, check=False).returncode == 0
        if reachable:
            return self.state_dir
        digest = hashlib.sha1(str(self.state_dir).encode()).hexdigest()[:12]  # noqa: S324 - a name
        home = FALLBACK_DB_HOME / digest
        home.mkdir(parents=True, exist_ok=True)
        FALLBACK_DB_HOME.chmod(0o755)
        return home

    def db_path(self, *parts: str) -> Path:
        return self.db_home.joinpath(*parts)

    # -- addresses -----------------------------------------------------------------------
    def port(self, name: str) -> int:
        return self.registry.local.port(name)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.port('gateway')}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.port('redis')}/0"

    def web_port(self, svc: Service, instance: int) -> int:
        return self.registry.local.web_port(svc, instance)

    # -- dev-only secrets, generated once per state folder, never committed -----------------
    @cached_property
    def secrets(self) -> dict[str, str]:
        file = self.path("secrets.json")
        if file.exists():
            stored: dict[str, str] = json.loads(file.read_text())
        else:
            stored = {}
        wanted = {f"db:{s.db_role}" for s in self.registry.services.values()}
        wanted |= {f"client:{s.name}" for s in self.registry.services.values()}
        wanted |= {"django_secret_key", "pgbouncer_admin", "flower"}
        missing = wanted - set(stored)
        if missing:
            stored.update({k: secrets.token_urlsafe(24) for k in missing})
            self.state_dir.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(stored, indent=2, sort_keys=True))
            file.chmod(0o600)
        return stored

    def db_password(self, svc: Service) -> str:
        return self.secrets[f"db:{svc.db_role}"]

    # -- the environment of one service process -------------------------------------------
    def service_env(self, svc: Service, role: str) -> dict[str, str]:
        env = self._common_env(svc, role)
        if role in ("worker", "beat"):
            # Django's system checks load every URLconf and admin module: they run in
            # `make lint`, the tests and `migrate`, not again in each worker and beat.
            env["CELERY_SKIP_CHECKS"] = "1"
        if svc.name == IDENTITY_SERVICE:  # auth knows every service account's secret
            env.update({f"SMART360_SERVICE_SECRET_{s.name.upper()}": self.secrets[f"client:{s.name}"]
                        for s in self.registry.services.values()})
        return env

    def _common_env(self, svc: Service, role: str) -> dict[str, str]:
        return {
            "DJANGO_SETTINGS_MODULE": f"{svc.package}.settings",
            "SMART360_SERVICE": svc.name,
            "SMART360_ROLE": role,
            "SMART360_REGISTRY": str(self.registry.path),
            "SMART360_PORT_OFFSET": str(self.registry.local.port_offset),
            "SMART360_PROFILE": self.registry.local.profile,
            "SMART360_ENV": "local",
            "SMART360_GATEWAY_URL": self.gateway_url,
            "DJANGO_SECRET_KEY": self.secrets["django_secret_key"],
            "DJANGO_DEBUG": "false",
            "DATABASE_HOST": "127.0.0.1",
            "DATABASE_PORT": str(self.port("pgbouncer")),
            "DATABASE_PASSWORD": self.db_password(svc),
            "SMART360_CLIENT_SECRET": self.secrets[f"client:{svc.name}"],
            "REDIS_URL": self.redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port("smtp")),
            "SMART360_MAIL_DIR": str(self.mail_dir),
            "SMART360_MEDIA_ROOT": str(self.path("media", svc.name)),  # uploaded files, locally
            "CELERY_CONCURRENCY": str(self.registry.local.worker_concurrency),
            "PYTHONUNBUFFERED": "1",
        }
