"""The fan-out of a started mass text, run from the ``mass-texts`` stream.

A batch that raises is retried by Lambda until it succeeds or its record is a day old
(the function's errors show long before that): every write is conditional, so a retry or
a redelivered record writes only what is missing.
"""

from __future__ import annotations

from typing import Any

from .. import bootstrap
from ..config import get_settings
from ..observability import count
from ..services.mass_texts import fan_out


def fan_out_records(records: list[dict[str, Any]]) -> dict[str, int]:
    stores = bootstrap.stores(get_settings())
    written = 0
    for record in records:
        if record.get("eventName") != "INSERT":
            continue  # cancelled, or marked written: nothing to fan out
        mass_id = record["dynamodb"]["Keys"]["mass_id"]["S"]
        written += fan_out(stores.mass_texts, stores.clients, stores.users, mass_id)
    count("MassTextRecipientsWritten", written)
    return {"written": written}
