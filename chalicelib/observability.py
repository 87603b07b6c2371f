"""Structured logs and metrics (Powertools), built lazily on first use.

Logs carry ids (MessageSid, client id, request id), never message bodies or phone numbers:
those are people's private lives, and logs are read by more people than conversations.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

SERVICE = "clientcomm"
NAMESPACE = "ClientComm"
_import_lock = threading.Lock()  # Powertools' package imports are circular: one thread at a time


@lru_cache(maxsize=1)
def _powertools() -> Any:
    with _import_lock:
        import aws_lambda_powertools
        from aws_lambda_powertools.metrics import MetricUnit

        return aws_lambda_powertools, MetricUnit


@lru_cache(maxsize=1)
def logger() -> Any:
    powertools, _ = _powertools()
    return powertools.Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", SERVICE))


@lru_cache(maxsize=1)
def metrics() -> Any:
    powertools, _ = _powertools()
    return powertools.Metrics(
        namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE),
        service=os.environ.get("POWERTOOLS_SERVICE_NAME", SERVICE),
    )


def count(name: str, value: int = 1) -> None:
    """Add to a metric and flush it at once: Chalice views have no Lambda decorator."""
    _, unit = _powertools()
    recorder = metrics()
    recorder.add_metric(name=name, unit=unit.Count, value=value)
    recorder.flush_metrics()


@contextmanager
def log_keys(**keys: str) -> Iterator[Any]:
    """Add correlation keys (ids only) to every log line of one request, and always take
    them off again: a warm Lambda container serves the next request with the same logger."""
    log = logger()
    log.append_keys(**keys)
    try:
        yield log
    finally:
        log.remove_keys(list(keys))
