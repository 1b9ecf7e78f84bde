"""CPU cost of the metrics middleware per request, in-process (not part of `make test`).

    .venv/bin/python bench/metrics_overhead.py [--requests 3000]

Django's test client against the library's demo settings, the bare JSON view, with and without
MetricsMiddleware, alternating rounds; reports CPU microseconds per request (process time, so
other load on the machine matters less than for wall-clock benchmarks).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "libs" / "smart360" / "tests"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lib_test_settings")
for name, value in {"DJANGO_SECRET_KEY": "bench", "DATABASE_HOST": "127.0.0.1",
                    "DATABASE_PASSWORD": "unused", "REDIS_URL": "redis://127.0.0.1:1/0"}.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

METRICS = "smart360.observability.django.MetricsMiddleware"


def per_request_us(client: Client, count: int) -> float:
    assert client.get("/demo/api/v1/ping/").status_code == 200
    started = time.process_time()
    for _ in range(count):
        client.get("/demo/api/v1/ping/")
    return (time.process_time() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    without = [m for m in settings.MIDDLEWARE if m != METRICS]
    results: dict[str, list[float]] = {"with": [], "without": []}
    logging.disable(logging.CRITICAL)
    client = Client(HTTP_HOST="localhost")
    per_request_us(client, 200)  # warm-up
    for _ in range(args.rounds):
        results["with"].append(per_request_us(client, args.requests))
        with override_settings(MIDDLEWARE=without):
            results["without"].append(per_request_us(Client(HTTP_HOST="localhost"), args.requests))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"with metrics {med['with']:.0f} µs/request, without {med['without']:.0f} µs/request, "
          f"middleware {med['with'] - med['without']:.0f} µs "
          f"({(med['with'] / med['without'] - 1) * 100:.1f} %)")


if __name__ == "__main__":
    main()
