"""50,000 bill notifications rendered and handed to SMTP (notification's path, without the DB).

    .venv/bin/python bench/notification_mails.py [--count 50000] [--workers 2] [--chunk 200]
        [--smtp HOST:PORT]     # default: start the stack's dev SMTP server (smart360.mail.server)
                               # on a free port with a temporary maildir, and stop it at the end

What runs is the service's own code: the default `bx.bill.issued` e-mail template rendered by
notification.messaging.templating with each bill's payload and contact, then
notification.messaging.providers.EmailProvider sending it — each batch of `--chunk` messages
(the send task's) on `--connections` SMTP connections in threads, `--workers` processes. Reported: render
rate alone, MIME build rate alone, end-to-end msgs/s, and the CPU the SMTP server used (to name
the bottleneck). Timings are recorded, never asserted; results go to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "notification"))


def setup_django(host: str, port: int) -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_TZ=True, INSTALLED_APPS=[], SECRET_KEY="bench",  # noqa: S106
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=host, EMAIL_PORT=port, EMAIL_TIMEOUT=30,
            DEFAULT_FROM_EMAIL="Smart360 <no-reply@smart360.dev>",
            NOTIFICATION_RATE_LIMITS={},
        )
        django.setup()


def bills(start: int, stop: int) -> list[dict[str, Any]]:
    """Bill payloads as bx publishes them (JSON form) with the holder's contact fields."""
    return [{
        "bill_id": n, "number": f"BILL-202611-{n:06d}", "account_number": f"ACC-202611-{n:05d}",
        "period_start": "2026-10-01", "period_end": "2026-10-31", "issued_on": "2026-11-01",
        "due_date": "2026-11-15", "consumption": "850", "subtotal": "115.00", "tax": "0.00",
        "total": "115.00", "currency": "USD", "pdf_path": f"/bx/api/v1/bills/{n}/pdf/",
        "pdf_url": f"https://utility.example.com/bx/api/v1/bills/{n}/pdf/",
        "name": f"Consumer {n}", "email": f"consumer{n}@bench.test", "phone": "",
        "consumer_number": f"CUST-202611-{n:04d}", "tenant_name": "Bench Utility",
        "locale": "en", "event": {"id": str(n), "type": "bx.bill.issued"},
    } for n in range(start, stop)]


def bill_template() -> dict[str, str]:
    from notification.messaging.defaults import TEMPLATES

    return next(t for t in TEMPLATES if t["event_type"] == "bx.bill.issued"
                and t["channel"] == "email")


def work(args: tuple[int, int, str, int, int, int]) -> dict[str, float]:
    """One worker: render and send bills [start, stop), `chunk` per send batch, each batch on
    `connections` SMTP connections in threads (what deliveries_send does)."""
    start, stop, host, port, chunk, connections = args
    setup_django(host, port)
    import uuid

    from notification.messaging import templating
    from notification.messaging.providers import EmailProvider, Outgoing

    template = bill_template()
    tenant = uuid.UUID(int=1)
    provider = EmailProvider()
    rendered = sent = 0
    render_s = send_s = 0.0
    cpu0 = time.process_time()
    payloads = bills(start, stop)
    for first in range(0, len(payloads), chunk):
        t0 = time.perf_counter()
        out = [Outgoing(p["bill_id"], tenant, "email", p["email"],
                        templating.render(template["subject"], p).strip()[:200],
                        templating.render(template["body"], p))
               for p in payloads[first:first + chunk]]
        t1 = time.perf_counter()
        if connections <= 1:
            with provider.session():
                for message in out:
                    provider.send(message)
        else:
            def part(messages: list[Any]) -> None:
                own = EmailProvider()
                with own.session():
                    for message in messages:
                        own.send(message)

            with ThreadPoolExecutor(connections) as pool:
                list(pool.map(part, [out[i::connections] for i in range(connections)]))
        t2 = time.perf_counter()
        rendered += len(out)
        sent += len(out)
        render_s += t1 - t0
        send_s += t2 - t1
    return {"rendered": rendered, "sent": sent, "render_s": render_s, "send_s": send_s,
            "cpu_s": time.process_time() - cpu0}


def render_only(count: int) -> float:
    from notification.messaging import templating

    template = bill_template()
    payloads = bills(0, count)
    t0 = time.perf_counter()
    for p in payloads:
        templating.render(template["subject"], p)
        templating.render(template["body"], p)
    return count / (time.perf_counter() - t0)


def mime_only(count: int) -> float:
    from django.core.mail import EmailMessage

    t0 = time.perf_counter()
    for n in range(count):
        EmailMessage("Your bill", "body " * 60, "a@b.test", [f"c{n}@bench.test"]).message() \
            .as_bytes()
    return count / (time.perf_counter() - t0)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--connections", type=int, default=4,
                        help="SMTP connections per send batch (NOTIFICATION_SMTP_CONNECTIONS)")
    parser.add_argument("--smtp", default="", help="HOST:PORT of a running SMTP server")
    args = parser.parse_args()

    server = None
    maildir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    if args.smtp:
        host, port = args.smtp.rsplit(":", 1)[0], int(args.smtp.rsplit(":", 1)[1])
    else:
        host, port = "127.0.0.1", free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "smart360.mail.server", "--host", host, "--port", str(port),
             "--maildir", str(maildir)], stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        server.stdout.readline()  # "smtp listening on ..."
    setup_django(host, port)
    sample = min(args.count, 10_000)
    render_rate = render_only(sample)
    mime_rate = mime_only(min(sample, 5_000))

    cpu_before = cpu_seconds(server.pid) if server else 0.0
    per = -(-args.count // args.workers)
    shares = [(i * per, min(args.count, (i + 1) * per), host, port, args.chunk, args.connections)
              for i in range(args.workers)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        parts = list(pool.map(work, shares))
    wall = time.perf_counter() - t0
    server_cpu = (cpu_seconds(server.pid) - cpu_before) if server else None
    delivered = len(list(maildir.glob("*.eml"))) if server else None
    if server:
        server.terminate()
        server.wait(timeout=10)

    sent = sum(p["sent"] for p in parts)
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": args.count, "workers": args.workers, "chunk_per_batch": args.chunk,
        "connections_per_batch": args.connections,
        "wall_s": round(wall, 2), "msgs_per_s": round(sent / wall, 1),
        "render_only_per_s": round(render_rate, 1), "mime_build_only_per_s": round(mime_rate, 1),
        "worker_render_s": round(sum(p["render_s"] for p in parts), 2),
        "worker_send_s": round(sum(p["send_s"] for p in parts), 2),
        "smtp_server_cpu_s": round(server_cpu, 2) if server_cpu is not None else None,
        "smtp_server_cpu_share": round(server_cpu / wall, 2) if server_cpu is not None else None,
        "worker_cpu_s": round(sum(p["cpu_s"] for p in parts), 2),
        "cpu_ms_per_msg_worker": round(1000 * sum(p["cpu_s"] for p in parts) / sent, 3),
        "cpu_ms_per_msg_smtp_server": round(1000 * server_cpu / sent, 3) if server_cpu else None,
        "delivered_to_maildir": delivered, "load_avg_1m": os.getloadavg()[0],
    }
    out = ROOT / "bench" / "results" / "notification_mails.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
