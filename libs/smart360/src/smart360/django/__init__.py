"""Django foundations shared by every service."""

from __future__ import annotations

import os
import sys


def manage(settings_module: str) -> None:
    """The body of every service's manage.py."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
