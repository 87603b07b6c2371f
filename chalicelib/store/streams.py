"""DynamoDB stream records of the clients, conversations and unclaimed tables, as domain
objects.

Lambda hands the stream's records as DynamoDB JSON (``NewImage``); PynamoDB reads them the
same way it reads a GetItem answer. Removals carry no new image and are skipped: what goes
away (records past their schedule, deleted by the records-retention job; dismissed or
attached numbers' texts) is old or moved, and a page shows what remains when next drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..domain.clients import Client
from ..domain.conversation import ConversationEntry
from .clients import to_client
from .conversations import to_entry
from .models import ClientModel, ConversationEntryModel, UnclaimedModel
from .tables import base_name

CLIENTS = base_name(ClientModel)
CONVERSATIONS = base_name(ConversationEntryModel)
UNCLAIMED = base_name(UnclaimedModel)


@dataclass(frozen=True)
class StreamChanges:
    clients: list[Client]
    entries: list[ConversationEntry]


def table_of(source_arn: str) -> str:
    """``arn:aws:dynamodb:…:table/{prefix}{base}/stream/…`` → the table's base name."""
    table = source_arn.split(":table/", 1)[-1].split("/", 1)[0]
    for base in (CLIENTS, CONVERSATIONS, UNCLAIMED):
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


def unclaimed_departments(records: Iterable[dict[str, Any]]) -> list[str]:
    """The departments whose unclaimed queue changed: a number came, texted again, or was
    claimed or dismissed (removals count here: the queue got shorter). Keys only."""
    key = UnclaimedModel.department_id.attr_name
    found: dict[str, None] = {}
    for record in records:
        if table_of(record.get("eventSourceARN", "")) != UNCLAIMED:
            continue
        department = ((record.get("dynamodb") or {}).get("Keys") or {}).get(key) or {}
        if department.get("S"):
            found[department["S"]] = None
    return list(found)
