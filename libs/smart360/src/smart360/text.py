"""Plain-text output of the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def table(rows: Sequence[Mapping[str, object]]) -> str:
    if not rows:
        return "(nothing)"
    headers = list(rows[0])
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in headers]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True))]
    for r in rows:
        lines.append("  ".join(str(r[h]).ljust(w) for h, w in zip(headers, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)
