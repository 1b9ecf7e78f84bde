"""Rotate the JWT signing key: the new key signs; the previous one stays in the JWKS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from auth.tokens.keys import key_create


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"new signing key {key_create().kid}")
