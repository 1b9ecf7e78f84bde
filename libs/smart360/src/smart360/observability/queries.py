"""Counting database queries: a Django execute wrapper (no Django import needed to make one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class QueryCounter:
    """A database execute wrapper that counts the queries it sees."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: dict[str, Any]) -> Any:
        self.count += 1
        return execute(sql, params, many, context)
