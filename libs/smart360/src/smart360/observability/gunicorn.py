"""gunicorn hooks: `gunicorn -c python:smart360.observability.gunicorn ...`.

Metrics: each gunicorn instance has its own PROMETHEUS_MULTIPROC_DIR: its master empties it at
start (files of an earlier run would be summed in) and drops a dead worker's live gauges.

Lifetime: a worker dies with its master. When the master is killed (kill -9, the OOM killer),
an orphaned worker would otherwise keep the listening socket for its graceful timeout while no
longer accepting: connections queue unanswered there, and the restarted master cannot bind.
Dying at once instead resets them, so the gateway retries them on the other instance.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Any

from smart360.observability import metrics


def on_starting(server: Any) -> None:
    metrics.reset_multiprocess_dir()


def child_exit(server: Any, worker: Any) -> None:
    metrics.process_exited(worker.pid)


PR_SET_PDEATHSIG = 1


def post_fork(server: Any, worker: Any) -> None:
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server.pid:  # the master died before the line above took effect
        os._exit(1)
