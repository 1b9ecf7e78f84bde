"""`smart360 ops-user EMAIL`: a platform operator who may sign in to the console."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import click

from smart360.registry import IDENTITY_SERVICE
from smart360.stack.layout import Stack

# Run by auth's `manage.py shell`: auth owns its users; this only drives its models.
# No tenant (a tenant's user never carries a platform role), email verified (it is ours),
# is_staff (the `staff` role) and the `ops` platform role auth seeds from services.toml.
CREATE = """
import json, os
from django.utils import timezone
from auth.accounts.models import Role, User
email = os.environ["SMART360_OPS_EMAIL"].strip().lower()
user = User.objects.filter(email=email).first()
if user is not None and user.tenant_id is not None:
    raise SystemExit(f"{email} belongs to a tenant: a platform operator needs an account of its own")
user = user or User(email=email)
user.is_staff, user.is_active, user.failed_logins, user.locked_until = True, True, 0, None
user.email_verified_at = user.email_verified_at or timezone.now()
user.set_password(os.environ["SMART360_OPS_PASSWORD"])
user.save()
user.roles.add(Role.objects.get(name="ops", tenant_id=None))
print(json.dumps({"email": email, "id": str(user.id)}))
"""


def create_ops_user(stack: Stack, email: str, password: str) -> dict[str, str]:
    """Create (or reset) a platform operator through auth's own code; returns {email, id}."""
    svc = stack.registry.service(IDENTITY_SERVICE)
    env = {**os.environ, **stack.service_env(svc, "manage"),
           "SMART360_OPS_EMAIL": email, "SMART360_OPS_PASSWORD": password}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", CREATE], env=env, capture_output=True,
                          text=True, cwd=stack.registry.root / "services" / svc.name, check=False,
                          timeout=120)
    if done.returncode != 0:
        raise click.ClickException((done.stderr or done.stdout).strip()[-1500:] or "auth refused")
    created: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return created


@click.command("ops-user")
@click.argument("email")
@click.option("--password", envvar="SMART360_OPS_PASSWORD", help="Default: a new random one, printed.")
def ops_user(email: str, password: str | None) -> None:
    """Create a platform operator (ops role, staff) who may sign in to the console at /ops/.

    Running it again for the same EMAIL resets the password."""
    stack = Stack.from_env()
    password = password or secrets.token_urlsafe(12)
    created = create_ops_user(stack, email, password)
    click.echo(f"ops user {created['email']} / {password}")
    click.echo(f"console: {stack.gateway_url}/ops/ (sign in with email and password, or paste a token from "
               f"POST {stack.gateway_url}/auth/api/v1/token/)")


COMMANDS = [ops_user]
