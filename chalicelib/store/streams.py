"""DynamoDB stream records of the clients and conversations tables, as domain objects.

Lambda hands the stream's records as DynamoDB JSON (``NewImage``); PynamoDB reads them the
same way it reads a GetItem answer. Removals carry no new image and are skipped: a page
never needs to hear that an item went away (nothing the pages list is ever deleted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from .clients import to_client
from .conversations import to_entry
from .models import ClientModel, ConversationEntryModel
from .tables import base_name

CLIENTS = base_name(ClientModel)
CONVERSATIONS = base_name(ConversationEntryModel)


@dataclass(frozen=True)
class StreamChanges:
    clients: list[Client]
    entries: list[ConversationEntry]


def table_of(source_arn: str) -> str:
    """``arn:aws:dynamodb:…:table/{prefix}{base}/stream/…`` → the table's base name."""
    table = source_arn.split(":table/", 1)[-1].split("/", 1)[0]
    for base in (CLIENTS, CONVERSATIONS):
        if table.endswith(base):
            return base
    return ""


def read_records(records: Iterable[dict[str, Any]]) -> StreamChanges:
    """The newest image of each changed client and entry, in stream order."""
    clients: dict[str, Client] = {}
    entries: dict[tuple[str, str], ConversationEntry] = {}
    for record in records:
        image = (record.get("dynamodb") or {}).get("NewImage")
        if record.get("eventName") == "REMOVE" or not image:
            continue
        table = table_of(record.get("eventSourceARN", ""))
        if table == CLIENTS:
            client = to_client(ClientModel.from_raw_data(image))
            clients.pop(client.client_id, None)
            clients[client.client_id] = client
        elif table == CONVERSATIONS:
            entry = to_entry(ConversationEntryModel.from_raw_data(image))
            entries.pop((entry.client_id, entry.entry_id), None)
            entries[(entry.client_id, entry.entry_id)] = entry
    return StreamChanges(list(clients.values()), list(entries.values()))
