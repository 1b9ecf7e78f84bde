"""Give every registry service a service account whose secret comes from the environment.

    SMART360_SERVICE_SECRET_CX=... python manage.py service_accounts
Services without a SMART360_SERVICE_SECRET_<NAME> are skipped (and said so).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from auth.accounts.services import service_account_ensure
from smart360.registry import load


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        for name in load().services:
            secret = os.environ.get(f"SMART360_SERVICE_SECRET_{name.upper()}", "")
            if not secret:
                self.stdout.write(f"{name}: no SMART360_SERVICE_SECRET_{name.upper()}, skipped")
                continue
            created = service_account_ensure(client_id=name, secret=secret, roles=["service"])
            self.stdout.write(f"{name}: {'created' if created else 'updated'}")
