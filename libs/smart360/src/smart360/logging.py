"""Structured JSON logs. Every line carries service, role and the current request id.

The request id is bound in a contextvar by the web middleware and by the Celery task signals,
so a request and the tasks it enqueues share one id across processes.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any

import structlog

SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def _add_process_identity(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event.setdefault("service", os.environ.get("SMART360_SERVICE", ""))
    event.setdefault("role", os.environ.get("SMART360_ROLE", ""))
    return event


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            _add_process_identity,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config() -> dict[str, Any]:
    """Django LOGGING: stdlib records (Django, Celery, gunicorn) rendered by structlog as JSON."""
    configure_structlog()
    level = os.environ.get("SMART360_LOG_LEVEL", "INFO")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(),
                ],
                "foreign_pre_chain": [*SHARED_PROCESSORS, _add_process_identity],
            }
        },
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            "django.request": {"level": "ERROR"},  # 4xx are answered, not errors
        },
    }


def bind(**values: Any) -> None:
    structlog.contextvars.bind_contextvars(**values)


def clear() -> None:
    structlog.contextvars.clear_contextvars()


def get_logger(name: str | None = None) -> Any:
    return structlog.stdlib.get_logger(name)
