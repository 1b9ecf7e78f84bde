"""The cheap connection health check works for any descriptor number (select() stops at 1023)."""

from __future__ import annotations

import os
import resource

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_a_connection_on_a_descriptor_above_1023_is_checked_without_error():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"the hard limit on open files ({hard}) is too low to reach fd 1024")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    spare = [os.dup(0) for _ in range(1100)]  # push the next descriptors past 1023
    fresh = connection.copy()
    try:
        fresh.ensure_connection()
        assert fresh.connection.fileno() >= 1024
        assert fresh.is_usable()
        fresh.connection.close()  # hung up: the check must notice, not raise
        assert not fresh.is_usable()
    finally:
        fresh.close()
        for fd in spare:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
