"""50,000 bill notifications rendered and handed to SMTP (notification's path, without the DB).

    .venv/bin/python bench/notification_mails.py [--count 50000] [--workers 2] [--chunk 200]
        [--attach]             # each mail attaches its bill PDF, fetched over HTTP as the
                               # service does (a local stand-in for the gateway serves auth's
                               # token and one bill PDF rendered like bx's, for every bill)
        [--smtp HOST:PORT]     # default: start the stack's dev SMTP server (smart360.mail.server)
                               # on a free port with a temporary maildir, and stop it at the end
        [--out NAME]           # bench/results/NAME.json (default notification_mails)

What runs is the service's own code: the default `bx.bill.issued` e-mail template rendered by
notification.messaging.templating with each bill's payload and contact, then (with --attach)
notification.messaging.attachments.Fetcher getting the PDF, then
notification.messaging.providers.EmailProvider sending it — each batch of `--chunk` messages
(the send task's) on `--connections` SMTP connections in threads, `--workers` processes.
Reported: render rate alone, MIME build rate alone (Django's classes and the direct writer the
provider uses), end-to-end msgs/s, and the CPU the SMTP server, the gateway stand-in and the
workers used (to name the bottleneck), with the load average before and after. Timings are
recorded, never asserted; results go to bench/results/.
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
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "notification"))
SECRET = "bench-secret"  # noqa: S105  (the local stand-in's client secret)


def setup_django(host: str, port: int, gateway: str = "") -> None:
    import django
    from django.conf import settings

    if gateway:  # the service client finds the gateway and its secret in the environment
        os.environ["SMART360_GATEWAY_URL"] = gateway
        os.environ["SMART360_CLIENT_SECRET"] = SECRET
    if not settings.configured:
        settings.configure(
            USE_TZ=True, INSTALLED_APPS=[], SECRET_KEY="bench",  # noqa: S106
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=host, EMAIL_PORT=port, EMAIL_TIMEOUT=30,
            DEFAULT_FROM_EMAIL="Smart360 <no-reply@smart360.dev>",
            NOTIFICATION_RATE_LIMITS={}, SMART360_SERVICE="notification",
            NOTIFICATION_ATTACHMENT_TIMEOUT=10,
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


# -- the gateway stand-in (its own process): auth's token and a bill PDF for every bill ------
def bill_pdf() -> bytes:
    """One bill laid out as bx's pdf.render does (fpdf2, DejaVu embedded when present): the
    size a real attachment has."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    name = "Body" if font.exists() else "Helvetica"
    if font.exists():
        doc.add_font("Body", "", str(font))
    doc.add_page()
    doc.set_font(name, "", 16)
    doc.cell(0, 10, "Bench Utility", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(name, "", 10)
    for label, value in [("Bill", "BILL-202611-000001"), ("Account", "ACC-202611-00001"),
                         ("Name", "Consumer 1"), ("Premise", "1 Main St"), ("Meter", "M-1"),
                         ("Period", "2026-10-01 to 2026-10-31"), ("Consumption", "850 kWh"),
                         ("Issued", "2026-11-01"), ("Due date", "2026-11-15"),
                         ("Energy 0-500", "500 x 0.12 = 60.00"),
                         ("Energy 501+", "350 x 0.1142 = 40.00"), ("Fixed charge", "15.00"),
                         ("Subtotal", "USD 115.00"), ("Tax", "USD 0.00"), ("Total", "USD 115.00")]:
        doc.cell(40, 6, f"{label}:")
        doc.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def serve_gateway(port: int, pdf_file: str) -> None:
    pdf = Path(pdf_file).read_bytes()
    token = json.dumps({"access": "bench-token", "token_type": "Bearer",
                        "expires_in": 3600}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # kept-alive connections, as the gateway
        # Headers and body are two writes: with Nagle's algorithm the body waits for the
        # client's delayed ACK (measured: ~21 ms per fetch, the whole bench's wait).
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._answer(token, "application/json")

        def do_GET(self) -> None:
            self._answer(pdf, "application/pdf")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("gateway listening", flush=True)
    server.serve_forever()


# -- the workers --------------------------------------------------------------------------------
def work(args: tuple[int, int, str, int, int, int, str]) -> dict[str, float]:
    """One worker: render and send bills [start, stop), `chunk` per send batch, each batch on
    `connections` SMTP connections in threads, each with its own attachment fetcher (what
    deliveries_send does)."""
    start, stop, host, port, chunk, connections, gateway = args
    setup_django(host, port, gateway)
    import uuid

    from notification.messaging import attachments, templating
    from notification.messaging.providers import EmailProvider, Outgoing

    template = bill_template()
    tenant = uuid.UUID(int=1)
    rendered = sent = attached = 0
    render_s = send_s = 0.0
    cpu0 = time.process_time()
    payloads = bills(start, stop)

    def part(messages: list[tuple[Outgoing, str]]) -> int:
        own, count = EmailProvider(), 0
        with own.session(), attachments.Fetcher() as fetcher:
            for message, path in messages:
                doc = fetcher.fetch(tenant, path) if gateway else None
                own.send(replace(message, attachments=(doc,)) if doc else message)
                count += doc is not None
        return count

    for first in range(0, len(payloads), chunk):
        t0 = time.perf_counter()
        out = [(Outgoing(p["bill_id"], tenant, "email", p["email"],
                         templating.render(template["subject"], p).strip()[:200],
                         templating.render(template["body"], p)), p["pdf_path"])
               for p in payloads[first:first + chunk]]
        t1 = time.perf_counter()
        if connections <= 1:
            attached += part(out)
        else:
            with ThreadPoolExecutor(connections) as pool:
                attached += sum(pool.map(part, [out[i::connections] for i in range(connections)]))
        t2 = time.perf_counter()
        rendered += len(out)
        sent += len(out)
        render_s += t1 - t0
        send_s += t2 - t1
    return {"rendered": rendered, "sent": sent, "attached": attached, "render_s": render_s,
            "send_s": send_s, "cpu_s": time.process_time() - cpu0}


def render_only(count: int) -> float:
    from notification.messaging import templating

    template = bill_template()
    payloads = bills(0, count)
    t0 = time.perf_counter()
    for p in payloads:
        templating.render(template["subject"], p)
        templating.render(template["body"], p)
    return count / (time.perf_counter() - t0)


def mime_only(count: int, pdf: bytes | None) -> dict[str, float]:
    """Building one bill mail's bytes: Django's MIME classes vs the provider's direct writer."""
    import uuid

    from django.core.mail import EmailMessage

    from notification.messaging.providers import Attachment, Outgoing, _plain_ascii

    t0 = time.perf_counter()
    for n in range(count):
        mail = EmailMessage("Your bill", "body " * 60, "a@b.test", [f"c{n}@bench.test"])
        if pdf:
            mail.attach("BILL-1.pdf", pdf, "application/pdf")
        mail.message().as_bytes()
    django_rate = count / (time.perf_counter() - t0)
    docs = (Attachment("BILL-1.pdf", pdf),) if pdf else ()
    t0 = time.perf_counter()
    for n in range(count):
        _plain_ascii(Outgoing(n, uuid.UUID(int=1), "email", f"c{n}@bench.test", "Your bill",
                              "body " * 60, {}, docs), "<x@bench>")
    return {"django": django_rate, "direct": count / (time.perf_counter() - t0)}


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
    parser.add_argument("--attach", action="store_true", help="attach each bill's PDF")
    parser.add_argument("--smtp", default="", help="HOST:PORT of a running SMTP server")
    parser.add_argument("--out", default="notification_mails")
    parser.add_argument("--serve-gateway", nargs=2, metavar=("PORT", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_gateway:
        serve_gateway(int(args.serve_gateway[0]), args.serve_gateway[1])
        return
    load_before = os.getloadavg()

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
    gateway: subprocess.Popen[str] | None = None
    gateway_url, pdf, pdf_ms = "", b"", 0.0
    if args.attach:
        pdf = bill_pdf()  # the first one pays fpdf2's and fontTools' imports
        t0 = time.perf_counter()
        for _ in range(20):  # what bx spends per PDF (rendered per request, not stored)
            pdf = bill_pdf()
        pdf_ms = 1000 * (time.perf_counter() - t0) / 20
        pdf_file = maildir.parent / f"{maildir.name}.pdf"
        pdf_file.write_bytes(pdf)
        gateway_port = free_port()
        gateway = subprocess.Popen([sys.executable, __file__, "--serve-gateway",
                                    str(gateway_port), str(pdf_file)],
                                   stdout=subprocess.PIPE, text=True)
        assert gateway.stdout is not None
        gateway.stdout.readline()
        gateway_url = f"http://127.0.0.1:{gateway_port}"
    setup_django(host, port)
    sample = min(args.count, 10_000)
    render_rate = render_only(sample)
    mime_rate = mime_only(min(sample, 2_000), pdf or None)

    cpu_before = cpu_seconds(server.pid) if server else 0.0
    gateway_before = cpu_seconds(gateway.pid) if gateway else 0.0
    per = -(-args.count // args.workers)
    shares = [(i * per, min(args.count, (i + 1) * per), host, port, args.chunk, args.connections,
               gateway_url) for i in range(args.workers)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        parts = list(pool.map(work, shares))
    wall = time.perf_counter() - t0
    server_cpu = (cpu_seconds(server.pid) - cpu_before) if server else None
    gateway_cpu = (cpu_seconds(gateway.pid) - gateway_before) if gateway else None
    delivered = len(list(maildir.glob("*.eml"))) if server else None
    for process in (server, gateway):
        if process:
            process.terminate()
            process.wait(timeout=10)

    sent = sum(p["sent"] for p in parts)
    worker_cpu = sum(p["cpu_s"] for p in parts)
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": args.count, "workers": args.workers, "chunk_per_batch": args.chunk,
        "connections_per_batch": args.connections,
        "attached_pdfs": sum(p["attached"] for p in parts),
        "pdf_bytes": len(pdf) if pdf else None,
        "pdf_render_ms_like_bx": round(pdf_ms, 2) if pdf_ms else None,
        "wall_s": round(wall, 2), "msgs_per_s": round(sent / wall, 1),
        "render_only_per_s": round(render_rate, 1),
        "mime_build_only_per_s": round(mime_rate["django"], 1),
        "mime_direct_only_per_s": round(mime_rate["direct"], 1),
        "worker_render_s": round(sum(p["render_s"] for p in parts), 2),
        "worker_send_s": round(sum(p["send_s"] for p in parts), 2),
        "smtp_server_cpu_s": round(server_cpu, 2) if server_cpu is not None else None,
        "smtp_server_cpu_share": round(server_cpu / wall, 2) if server_cpu is not None else None,
        "gateway_cpu_s": round(gateway_cpu, 2) if gateway_cpu is not None else None,
        "worker_cpu_s": round(worker_cpu, 2),
        "cpu_ms_per_msg_worker": round(1000 * worker_cpu / sent, 3),
        "cpu_ms_per_msg_smtp_server": round(1000 * server_cpu / sent, 3) if server_cpu else None,
        "cpu_ms_per_msg_gateway": round(1000 * gateway_cpu / sent, 3) if gateway_cpu else None,
        "delivered_to_maildir": delivered,
        "load_avg_1m_before": load_before[0], "load_avg_1m": os.getloadavg()[0],
    }
    out = ROOT / "bench" / "results" / f"{args.out}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
