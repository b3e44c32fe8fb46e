"""Logs: one line an event, as JSON for a log collector or as plain text for a person at a
terminal, each line with the request's correlation id while a request is being served.

`KAOHE_LOG_FORMAT` chooses (`json` or `console`); unset, a terminal gets text and anything else
(a file, a pipe, journald, a container runtime) gets JSON. Kaohe's own events (structlog) and
the libraries' (uvicorn, strawberry, the event store: the standard `logging` module) leave
through the same handler, in the same format.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import structlog

# Where a handler of ours is already installed (a process configures its logs once).
_INSTALLED = "_kaohe_handler"


def _shared() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(log_format: str | None = None) -> None:
    """Send every log line of this process to stderr in one format: `json` or `console`
    (default: $KAOHE_LOG_FORMAT, else console on a terminal and JSON elsewhere)."""
    chosen = log_format or os.environ.get("KAOHE_LOG_FORMAT") or ""
    as_json = chosen == "json" or (not chosen and not sys.stderr.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # A traceback as structured data in JSON (one line still), as text on a terminal.
            structlog.processors.dict_tracebacks
            if as_json
            else structlog.processors.format_exc_info,
            renderer,
        ],
    )
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, _INSTALLED, False)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    setattr(handler, _INSTALLED, True)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # uvicorn installs handlers of its own before the app is built: its lines go through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
