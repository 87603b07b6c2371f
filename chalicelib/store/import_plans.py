"""A court import's kept plan: its steps in chunks, items of the ``court-imports`` table.

The plan is part of the import (one aggregate, one table): each chunk is an item keyed
``<import id>#rows#<n>`` (the file's rows, CHUNK_ROWS a chunk) or ``<import id>#gone#<n>``
(the dates a whole-calendar import would cancel), zlib-compressed JSON, expiring with the
import. An apply request reads the one chunk it carries out (a GetItem, a few KB); the
preview reads them all (one BatchGetItem: 5,000 rows are 50 items). Chunks rather than one
item: 5,000 rows hold ~250 KB of random ids alone, which no compression shrinks, and an
item may hold 400 KB. Chunks rather than the private bucket: no second service, the same
TTL, and reads that are consistent right after the upload.

The chunks are written before the import's own item, so an import that can be opened has
its whole plan; chunks of an upload that then failed expire by themselves.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from pynamodb.attributes import BinaryAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from ..config import get_settings
from .models import CourtImportModel
from .tables import share_client
from .write_failures import WriteNotStored, classify

MAX_CHUNK_BYTES = 350 * 1024  # compressed; an item may hold 400 KB
ROWS = "rows"
GONE = "gone"
T = TypeVar("T")


class TooLargeToPlan(Exception):
    """A chunk of the plan would not fit one item (rows of many long cells)."""


class ImportPlanModel(Model):
    """One chunk of an import's plan (see the module docstring)."""

    class Meta:
        table_name = "court-imports"
        billing_mode = "PAY_PER_REQUEST"

    import_id = UnicodeAttribute(hash_key=True)  # <import id>#<part>#<chunk>
    steps = BinaryAttribute(legacy_encoding=False)
    expires_at = TTLAttribute()


def _model() -> type[ImportPlanModel]:
    """The model on the stage's court-imports table (bound as ``tables.bind_tables`` binds
    the others: this model shares their table, so it takes its name)."""
    name = CourtImportModel.Meta.table_name
    if ImportPlanModel.Meta.table_name != name:
        ImportPlanModel.Meta.table_name = name
    share_client(ImportPlanModel, get_settings())
    return ImportPlanModel


def chunk_key(import_id: str, part: str, number: int) -> str:
    return f"{import_id}#{part}#{number}"


def keep(import_id: str, part: str, chunks: Sequence[bytes], expires_at: datetime) -> None:
    """Write every chunk (encoded steps) of one part of the plan."""
    model = _model()
    items = []
    for number, data in enumerate(chunks):
        packed = zlib.compress(data, 6)
        if len(packed) > MAX_CHUNK_BYTES:
            raise TooLargeToPlan(f"chunk {number}: {len(packed)} bytes")
        items.append(model(chunk_key(import_id, part, number), steps=packed, expires_at=expires_at))
    try:
        with model.batch_write() as batch:
            for item in items:
                batch.save(item)
    except PynamoDBException as exc:
        raise WriteNotStored(f"court import plan {import_id}", classify(exc).cause) from exc


def chunk(import_id: str, part: str, number: int) -> bytes:
    """One chunk's encoded steps (empty when it is gone: the import expired meanwhile)."""
    try:
        row = _model().get(chunk_key(import_id, part, number), consistent_read=True)
    except ImportPlanModel.DoesNotExist:
        return b""
    return zlib.decompress(row.steps)


def every_chunk(import_id: str, part: str, count: int) -> list[bytes]:
    """All ``count`` chunks of a part, in order (one BatchGetItem for up to 100)."""
    if count <= 0:
        return []
    keys = [chunk_key(import_id, part, n) for n in range(count)]
    found = {row.import_id: row.steps for row in _model().batch_get(keys, consistent_read=True)}
    return [zlib.decompress(found[key]) if key in found else b"" for key in keys]
