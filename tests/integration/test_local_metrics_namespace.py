"""The local stack writes its metrics as a deployed stack does: under its jurisdiction's own
namespace (the demo jurisdiction's), never the one every stack once shared."""

from __future__ import annotations

import os

from chalicelib import observability


def test_the_local_app_writes_metrics_under_the_demo_jurisdictions_namespace(stack):
    assert os.environ["POWERTOOLS_METRICS_NAMESPACE"] == "ClientComm/demo"
    observability.metrics.cache_clear()  # built lazily: as a fresh Lambda container would
    try:
        assert observability.metrics().namespace == "ClientComm/demo"
    finally:
        observability.metrics.cache_clear()
