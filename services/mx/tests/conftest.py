"""Shared fixtures: a tenant admin, another tenant's admin."""

from __future__ import annotations

import mx.readings.tasks  # noqa: F401  (registered here so eager tests run what workers would)


