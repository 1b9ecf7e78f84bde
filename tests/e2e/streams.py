"""A steady request stream through the gateway, for the zero-failed-requests tests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx


@dataclass
class RequestStream:
    """Steady GETs through the gateway from a few threads; records every outcome."""

    url: str
    threads: int = 4
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _loop(self) -> None:
        with httpx.Client(timeout=10) as client:
            deadline = time.monotonic() + 120  # bounded, whatever happens
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    status = client.get(self.url).status_code
                    self.outcomes[str(status)] += 1
                    if status != 200:
                        self.failures.append(f"HTTP {status}")
                except httpx.HTTPError as exc:
                    self.outcomes["error"] += 1
                    self.failures.append(f"{type(exc).__name__}: {exc}")

    def __enter__(self) -> RequestStream:
        for _ in range(self.threads):
            worker = threading.Thread(target=self._loop, daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=15)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())
