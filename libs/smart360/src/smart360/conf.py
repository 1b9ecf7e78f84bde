"""Typed access to the platform's own Django settings (set by smart360.settings)."""

from __future__ import annotations

from django.conf import settings


def service_name() -> str:
    """The service this process belongs to (its registry name)."""
    return str(settings.__getattr__("SMART360_SERVICE"))
