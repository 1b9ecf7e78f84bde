"""The pipeline's last word: post a one-line result to a chat webhook (Slack-compatible)."""

from __future__ import annotations

import httpx


def notify(message: str, webhook: str | None, *, client: httpx.Client | None = None) -> bool:
    """True when posted; without a webhook the message is only printed by the caller."""
    if not webhook:
        return False
    http = client or httpx.Client(timeout=10.0)
    response = http.post(webhook, json={"text": message})
    response.raise_for_status()
    return True
