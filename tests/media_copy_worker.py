"""The app's copy-media handler on the local SQS event source, as ``make run`` runs it: the
test stack consumes no queue by itself, so tests of the whole inbound photo flow start it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def copy_worker(stack: Any) -> Iterator[Any]:
    """Consume the media-copy queue of ``stack`` until the block ends."""
    from pathlib import Path

    import app as app_module
    from chalicelib.config import MEDIA_COPY_QUEUE_NAME
    from infra.local.sqs_source import LocalSqsSource
    from infra.package.queues import REPORTS_ITEM_FAILURES
    from tests.helpers import ROOT

    queues = stack.resources.event_source_queues()
    assert queues[MEDIA_COPY_QUEUE_NAME] == stack.resources.media_copy_queue_url
    source = LocalSqsSource(
        app_module.app,
        {MEDIA_COPY_QUEUE_NAME: queues[MEDIA_COPY_QUEUE_NAME]},
        Path(ROOT),
        item_failures=REPORTS_ITEM_FAILURES,
    ).start()
    assert [b.name for b in source.bindings] == ["copy-media"]
    assert source.bindings[0].reports_item_failures
    try:
        yield source
    finally:
        source.stop()
