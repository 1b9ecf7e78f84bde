"""The console's HTML, rendered on the server (no templates engine, no CDN, no framework).

Every value goes through `e()` (HTML escaping); pages share one layout whose script (served
from /ops/static/, so the Content-Security-Policy allows no inline script) refreshes <main>.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from smart360.console.snapshot import ApiResult, BeatRow, QueueRow, Revision
from smart360.observability import spanstore
from smart360.stack.status import ProcessStatus

NAV = (("overview", "/ops/", "Overview"), ("jobs", "/ops/jobs/", "Jobs"),
       ("dead", "/ops/dead-letters/", "Dead letters"), ("dashboard", "/ops/dashboard/", "Dashboard"),
       ("traces", "/ops/traces/", "Traces"))


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def ago(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    """Cells are HTML already (escape values with e())."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{e(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def badge(ok: bool, text: str) -> str:
    return f'<span class="badge {"ok" if ok else "bad"}">{e(text)}</span>'


def layout(title: str, active: str, body: str, *, user: str = "", csrf: str = "",
           refresh: int = 0, flash: Sequence[tuple[str, str]] = ()) -> str:
    nav = "".join(f'<a href="{href}"{" class=active" if key == active else ""}>{e(label)}</a>'
                  for key, href, label in NAV) if user else ""
    if user:
        nav += '<a href="/flower/" target="_blank" rel="noopener">Flower</a>'
        nav += (f'<form method="post" action="/ops/logout" class="logout"><input type="hidden" '
                f'name="csrf" value="{e(csrf)}"><span>{e(user)}</span> <button>Sign out</button></form>')
    messages = "".join(f'<p class="flash {e(kind)}" role="status">{e(text)}</p>' for kind, text in flash)
    meta = (f'<noscript><meta http-equiv="refresh" content="{refresh}"></noscript>' if refresh else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)} · Smart360 ops</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{meta}
<link rel="stylesheet" href="/ops/static/console.css"><script src="/ops/static/console.js" defer></script>
</head><body data-refresh="{refresh}"><header><strong>Smart360 ops</strong><nav>{nav}</nav></header>
<main><h1>{e(title)}</h1>{messages}{body}<p class="stamp">as of {time.strftime("%H:%M:%S")}</p></main>
</body></html>"""


def login_page(error: str = "") -> str:
    message = f'<p class="flash bad" role="alert">{e(error)}</p>' if error else ""
    body = f"""{message}
<p>The console is for platform operators (the <code>ops</code> or <code>staff</code> role).
Create one with <code>smart360 ops-user EMAIL</code>.</p>
<div class="login">
<form method="post" action="/ops/login"><h2>Access token</h2>
<label>Paste a token from <code>POST /auth/api/v1/token/</code>
<textarea name="token" id="token" rows="4" autocomplete="off"></textarea></label>
<button id="login-token">Sign in with the token</button></form>
<form method="post" action="/ops/login"><h2>Email and password</h2>
<label>Email <input name="email" id="email" type="email" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
<button id="login-password">Sign in</button></form></div>"""
    return layout("Sign in", "", body)


# -- overview ---------------------------------------------------------------------------------
def processes_table(rows: Sequence[ProcessStatus]) -> str:
    healthy = sum(r.healthy for r in rows)
    state = badge(healthy == len(rows) and bool(rows), f"{healthy}/{len(rows)} healthy")
    summary = (f'<p id="health-summary">{state}'
               " — the same check as <code>smart360 status</code></p>")
    if not rows:
        return summary + "<p>supervisord is not running.</p>"
    body = table(["Service", "Role", "Program", "PID", "State", "Health", "Detail"], (
        [e(r.service), e(r.role), e(r.program), e(r.pid), e(r.state),
         badge(r.healthy, "healthy" if r.healthy else "unhealthy"), e(r.detail)]
        for r in rows), cls="processes")
    return summary + body


def queues_table(rows: Sequence[QueueRow]) -> str:
    def oldest(row: QueueRow) -> str:
        if row.oldest_age is None:
            return "—"
        return ago(row.oldest_age) if row.oldest_exact else f"≥ {ago(row.oldest_age)}"

    return table(["Service", "Queue", "Waiting", "Oldest message"],
                 ([e(r.service), e(r.queue), e(r.depth), e(oldest(r))] for r in rows), cls="queues")


def beats_table(rows: Sequence[BeatRow], services: Sequence[str], now: float) -> str:
    by_service = {b.service: b for b in rows}
    out = []
    for name in services:
        beat = by_service.get(name)
        if beat is None:
            out.append([e(name), "—", badge(False, "no tick")])
        else:
            age = now - beat.last_tick
            out.append([e(name), e(f"{beat.host}:{beat.pid}"), badge(age < 20, f"{ago(age)} ago")])
    return table(["Service", "Beat", "Last tick"], out, cls="beats")


def revisions_table(rows: Sequence[Revision]) -> str:
    return table(["Service", "Task definitions (bifrost/)", "Last changed"],
                 ([e(r.service), f"<code>{e(r.digest or 'none')}</code>",
                   e(f"{r.commit} {r.date}".strip() or "not committed")] for r in rows), cls="revisions")


def memory_table(usage: dict[str, float], programs: dict[str, float], budget: int) -> str:
    if not usage:
        return "<p>not measured</p>"
    total = usage.get("total", 0.0)
    parts = ", ".join(f"{k} {v:.0f} MB" for k, v in usage.items() if k != "total")
    console = programs.get("console")
    own = f" (this console: {console:.0f} MB)" if console else ""
    return (f'<p id="memory">{badge(total <= budget, f"{total:.0f} MB of {budget} MB")} PSS — '
            f"{e(parts)}{e(own)}</p>")


def server_ok(state: str) -> bool:
    """"up", or "n/n …" (every backend or target); anything else ("DOWN …", "3/18 …") is not."""
    counted = re.match(r"(\d+)/(\d+) ", state)
    return state == "up" if counted is None else counted.group(1) == counted.group(2) != "0"


def overview(*, processes: Sequence[ProcessStatus], queues: Sequence[QueueRow], beats: Sequence[BeatRow],
             revisions: Sequence[Revision], usage: dict[str, float], programs: dict[str, float],
             budget: int, services: Sequence[str], servers: Sequence[dict[str, str]], now: float) -> str:
    server_rows = table(["Server", "Address", "State"], (
        [e(s["server"]), e(s["address"]), badge(server_ok(s["state"]), s["state"])]
        for s in servers), cls="servers")
    return f"""<section><h2>Processes</h2>{processes_table(processes)}</section>
<section class="grid"><div><h2>Queues</h2>{queues_table(queues)}</div>
<div><h2>Beats</h2>{beats_table(beats, services, now)}</div></section>
<section class="grid"><div><h2>Servers</h2>{server_rows}</div>
<div><h2>Memory</h2>{memory_table(usage, programs, budget)}
<h2>Deploy revisions</h2>{revisions_table(revisions)}</div></section>"""


# -- jobs and dead letters ------------------------------------------------------------------
def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, default=str, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + "…"


def jobs(results: Sequence[ApiResult], csrf: str) -> str:
    rows = []
    errors = []
    for result in results:
        if not result.ok:
            errors.append(f"<li>{e(result.service)}: {e(result.error)}</li>")
            continue
        for job in result.data.get("results", []):
            status = job.get("last_status")
            state = badge(status == "ok", status) if status else "never ran"
            button = (f'<form method="post" action="/ops/jobs/{e(result.service)}/{e(job["name"])}/run">'
                      f'<input type="hidden" name="csrf" value="{e(csrf)}">'
                      f'<button class="run" data-job="{e(result.service)}:{e(job["name"])}">'
                      "Run now</button></form>")
            finished = job.get("last_finished_at") or job.get("last_started_at") or "—"
            last = job.get("last_result")
            outcome = f"<code>{e(_short(last))}</code>" if last is not None else "—"
            rows.append([e(result.service), f"<code>{e(job['name'])}</code>",
                         f"<code>{e(job['schedule'])}</code>", e(job.get("runs", 0)), state, e(finished),
                         outcome, button])
    failed = f'<ul class="flash bad">{"".join(errors)}</ul>' if errors else ""
    return failed + table(["Service", "Job", "Schedule", "Runs", "Last result", "Finished", "Result", ""],
                          rows, cls="jobs")


def dead_letters(results: Sequence[ApiResult], csrf: str) -> str:
    rows, errors = [], []
    for result in results:
        if not result.ok:
            errors.append(f"<li>{e(result.service)}: {e(result.error)}</li>")
            continue
        for event in result.data.get("results", []):
            action = f"/ops/dead-letters/{e(result.service)}/{e(event['id'])}/replay"
            button = (f'<form method="post" action="{action}">'
                      f'<input type="hidden" name="csrf" value="{e(csrf)}"><button>Replay</button></form>')
            rows.append([e(result.service), f"<code>{e(event['type'])}</code>", e(event.get("received_at")),
                         e(event.get("replays", 0)), f"<code>{e(_short(event.get('error', ''), 200))}</code>",
                         f"<code>{e(event['id'])}</code>", button])
    failed = f'<ul class="flash bad">{"".join(errors)}</ul>' if errors else ""
    if not rows:
        return failed + '<p id="no-dead-letters">No dead-lettered events.</p>'
    return failed + table(["Service", "Event", "Received", "Replays", "Error", "Id", ""], rows, cls="dead")


# -- charts (inline SVG drawn here) ----------------------------------------------------------
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf")


def chart(title: str, series: dict[str, list[tuple[float, float]]] | None, unit: str = "",
          width: int = 640, height: int = 220) -> str:
    """A line chart of {name: [(unix time, value)]} as inline SVG, with a legend."""
    if series is None:
        return (f'<figure class="chart"><figcaption>{e(title)}</figcaption><p>Prometheus is not running: '
                "start the stack with <code>smart360 up --with-metrics</code>.</p></figure>")
    points = [p for values in series.values() for p in values]
    if not points:
        return f'<figure class="chart"><figcaption>{e(title)}</figcaption><p>No samples yet.</p></figure>'
    left, bottom, top, right = 56, 24, 10, 10
    t0, t1 = min(p[0] for p in points), max(p[0] for p in points)
    vmax = max(p[1] for p in points) or 1.0
    span = (t1 - t0) or 1.0

    def x(t: float) -> float:
        return left + (t - t0) / span * (width - left - right)

    def y(v: float) -> float:
        return top + (1 - v / vmax) * (height - top - bottom)

    lines, legend = [], []
    for index, (name, values) in enumerate(sorted(series.items())):
        color = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in values)
        lines.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{path}">'
                     f"<title>{e(name)}</title></polyline>")
        legend.append(f'<span><i style="background:{color}"></i>{e(name)}</span>')
    grid = "".join(
        f'<line x1="{left}" x2="{width - right}" y1="{y(vmax * f):.1f}" y2="{y(vmax * f):.1f}" class="grid"/>'
        f'<text x="{left - 4}" y="{y(vmax * f) + 4:.1f}" text-anchor="end">{vmax * f:.3g}</text>'
        for f in (0, 0.5, 1))
    axis = (f'<text x="{left}" y="{height - 6}">{time.strftime("%H:%M", time.localtime(t0))}</text>'
            f'<text x="{width - right}" y="{height - 6}" text-anchor="end">'
            f'{time.strftime("%H:%M", time.localtime(t1))}</text>')
    return (f'<figure class="chart"><figcaption>{e(title)}{f" ({e(unit)})" if unit else ""}</figcaption>'
            f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{e(title)}">{grid}{axis}{"".join(lines)}</svg>'
            f'<div class="legend">{"".join(legend)}</div></figure>')


def dashboard(request_rate: dict[str, list[tuple[float, float]]] | None,
              p99: dict[str, list[tuple[float, float]]] | None,
              queue_depth: dict[str, list[tuple[float, float]]]) -> str:
    return (chart("Requests per second, by service", request_rate, "req/s")
            + chart("p99 latency, by service", p99, "seconds")
            + chart("Queue depth, by service (sampled by the console every 5 s)", queue_depth, "messages"))


# -- traces (the local span store) -------------------------------------------------------------
def traces(recent: Sequence[spanstore.Recent] | None, *, on: bool, now: float) -> str:
    form = ('<form method="get" action="/ops/traces/" class="find"><label>Request id '
            '<input name="request_id" id="request-id" autocomplete="off" required></label>'
            "<button>Show its spans</button></form>")
    if not on:
        form += ("<p>Tracing is off: start the stack with <code>smart360 up --with-traces</code> "
                 "(<code>make up TRACES=1</code>); spans are then kept here for an hour.</p>")
    if recent is None:
        return form + '<p class="flash bad">Redis does not answer.</p>'
    if not recent:
        return form + '<p id="no-traces">No spans stored in the last hour.</p>'
    rows = [[f'<a href="/ops/traces/{e(r.request_id)}"><code>{e(r.request_id)}</code></a>', e(r.spans),
             e(ago(now - r.seen_at)) + " ago"] for r in recent]
    return form + "<h2>Recent requests</h2>" + table(["Request id", "Spans", "Last span"], rows, cls="traces")


def _ms(nanoseconds: float) -> str:
    return f"{nanoseconds / 1e6:,.1f}"


def _attributes(attributes: dict[str, Any]) -> str:
    shown = {k: v for k, v in attributes.items() if k != "smart360.request_id"}
    if not shown:
        return ""
    items = "".join(f"<dt>{e(k)}</dt><dd><code>{e(_short(v, 300))}</code></dd>"
                    for k, v in sorted(shown.items()))
    return f"<details><summary>{len(shown)} attributes</summary><dl>{items}</dl></details>"


def _trace_table(trace_id: str, spans: Sequence[dict[str, Any]]) -> str:
    t0 = min(s.get("start", 0) for s in spans)
    t1 = max(s.get("end", 0) or s.get("start", 0) for s in spans)
    whole = (t1 - t0) or 1
    rows = []
    for node in spanstore.tree(spans):
        span = node.span
        start, end = span.get("start", 0), span.get("end", 0) or span.get("start", 0)
        left, width = (start - t0) / whole * 100, max((end - start) / whole * 100, 0.3)
        failed = span.get("status") == "error"
        bar = (f'<div class="timeline"><div class="{"error" if failed else e(span.get("kind", ""))}" '
               f'style="margin-left:{min(left, 99.7):.2f}%;width:{min(width, 100 - left):.2f}%"></div></div>')
        status = badge(not failed, span.get("error") or "error") if failed else ""
        indent = f"padding-left:{node.depth * 1.2:.1f}em"
        rows.append([f'<span class="depth" style="{indent}">{e(span["name"])}</span> {status}',
                     e(span.get("service")), e(span.get("kind")), _ms(start - t0), _ms(end - start), bar,
                     _attributes(span.get("attributes", {}))])
    services = sorted({str(s.get("service")) for s in spans})
    caption = (f"<h2>Trace <code>{e(trace_id)}</code></h2><p>{len(spans)} spans, "
               f"{_ms(whole)} ms, services: {e(', '.join(services))}</p>")
    return caption + table(["Span", "Service", "Kind", "Start (ms)", "Duration (ms)", "Timeline", ""], rows,
                           cls="spans")


def trace(request_id: str, spans: Sequence[dict[str, Any]]) -> str:
    """The spans of one request id, one tree and timeline per trace (oldest trace first)."""
    back = '<p><a href="/ops/traces/">All recent requests</a></p>'
    if not spans:
        return back + (f'<p id="no-spans">No spans stored for <code>{e(request_id)}</code>: '
                       "kept for an hour, written half a second after they end, and only while "
                       "tracing is on.</p>")
    by_trace: dict[str, list[dict[str, Any]]] = {}
    for span in spans:  # in start order: traces appear in the order they began
        by_trace.setdefault(str(span.get("trace_id")), []).append(span)
    return back + "".join(_trace_table(trace_id, members) for trace_id, members in by_trace.items())


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1em;background:#1d2b3a;color:#fff}
header nav{display:flex;gap:1em;align-items:center;flex:1}
header a{color:#cfe3ff;text-decoration:none}header a.active{color:#fff;font-weight:600}
.logout{margin-left:auto;color:#cfe3ff}main{padding:0 1em 2em}
table{border-collapse:collapse;margin:.4em 0;background:#fff}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#eef2f6}code{font-size:12px}
.badge{padding:0 .4em;border-radius:3px;font-size:12px}.ok{background:#d7f5dd;color:#14532d}
.bad{background:#fde2e1;color:#7f1d1d}.flash{padding:.4em .6em;border-radius:3px}
.grid{display:flex;flex-wrap:wrap;gap:2em}.stamp{color:#777;font-size:12px}
.login{display:flex;gap:3em;flex-wrap:wrap}.login form{display:flex;flex-direction:column;gap:.5em;width:24em}
textarea,input{width:100%;font:12px monospace}
figure.chart{background:#fff;border:1px solid #ddd;padding:.5em;display:inline-block;margin:.5em}
svg text{font-size:10px;fill:#555}svg line.grid{stroke:#eee}
.legend span{margin-right:1em;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:3px}
.timeline{width:320px;height:12px;background:#f1f4f8}
.timeline div{height:12px;min-width:1px;background:#1f77b4}
.timeline div.server{background:#2ca02c}.timeline div.consumer{background:#9467bd}
.timeline div.producer{background:#ff7f0e}.timeline div.error{background:#d62728}
table.spans td{white-space:nowrap}dl{margin:0}dt{font-weight:600}dd{margin:0 0 .3em 1em}
"""

JS = """
// Progressive enhancement: refresh <main> in place every data-refresh seconds (the page works
// without this: a <noscript> meta refresh does the same), and show "running…" on job buttons.
(function () {
  var every = parseInt(document.body.dataset.refresh || "0", 10);
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button.run");
    if (button) { button.disabled = true; button.textContent = "running…"; }
  });
  if (!every) return;
  setInterval(function () {
    if (document.hidden || document.querySelector("button[disabled]")) return;
    fetch(location.href, {credentials: "same-origin", headers: {"X-Console-Refresh": "1"}})
      .then(function (r) {
        if (r.redirected || !r.ok) { if (r.redirected) location.reload(); return null; }
        return r.text();
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) main.replaceWith(fresh);
      })
      .catch(function () {});
  }, every * 1000);
})();
"""
