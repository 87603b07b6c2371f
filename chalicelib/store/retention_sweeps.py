"""Deleting old texts, mass texts and waiting numbers, each batch under the holds (audit rows
leave by TTL: no role may delete one).

Every batch is one transaction (``guarded_deletes``): the jurisdiction-wide hold is checked
in it (guard 0), and so is the owner's own hold when the records are a client's (guard 1),
so a hold stops deletions from the very next batch. Each row is deleted only as it was read.
"""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.expressions.condition import Condition

from .guarded_deletes import Companion, Guard, Outcome, Removal, batches, delete_guarded
from .models import (
    ClientModel,
    ConversationEntryModel,
    MassTextModel,
    TwilioMessageModel,
    UnclaimedModel,
)
from .partitions import is_unclaimed
from .retention_pages import OldEntry, OldMassText, OldWaitingNumber
from .retention_state import hold_guard
from .waiting import left, waiting_item

HOLD_GUARD = 0  # Outcome.refused_by: the jurisdiction-wide hold (stop the run)
OWNER_GUARD = 1  # Outcome.refused_by: this client's own hold (leave their records)
TEXTS = "texts"
REFERENCES = "references"  # a text's MessageSid row in twilio-messages
MASS_TEXTS = "mass_texts"
WAITING_NUMBERS = "waiting_numbers"


def jurisdiction_guard() -> Guard:
    return Guard(*hold_guard())


def client_guard(client_id: str) -> Guard:
    """The client is not held (a client deleted since passes: nothing holds them)."""
    return Guard(ClientModel, client_id, ClientModel.legal_hold.does_not_exist())


def guards_for(partition: str) -> list[Guard]:
    if is_unclaimed(partition):
        return [jurisdiction_guard()]
    return [jurisdiction_guard(), client_guard(partition)]


def entry_removals(entry: OldEntry, group: int) -> list[Removal]:
    """The entry as it was read (its status, not being settled) and its MessageSid row if
    that still points at it."""
    row = ConversationEntryModel(entry.partition, entry.entry_key)
    status = ConversationEntryModel.status
    as_read: Condition = ConversationEntryModel.entry_key.exists() & (
        ConversationEntryModel.check_due.does_not_exist()
    )
    as_read &= (status == entry.status) if entry.status else status.does_not_exist()
    found = [Removal(row, as_read, TEXTS, group)]
    if entry.sid:
        points_here = (TwilioMessageModel.client_id == entry.partition) & (
            TwilioMessageModel.entry_key == entry.entry_key
        )
        found.append(
            Removal(
                TwilioMessageModel(entry.sid),
                TwilioMessageModel.sid.does_not_exist() | points_here,
                REFERENCES,
                group,
            )
        )
    return found


def delete_entries(partition: str, entries: Sequence[OldEntry]) -> Outcome:
    """Old entries of one conversation, batch by batch, until a guard refuses."""
    guards = guards_for(partition)
    groups = [entry_removals(entry, n) for n, entry in enumerate(entries)]
    outcome = Outcome()
    for batch in batches(len(guards), groups):
        outcome.add(delete_guarded(guards, batch))
        if outcome.refused_by is not None:
            break
    return outcome


def delete_mass_texts(masses: Sequence[OldMassText]) -> Outcome:
    """Old mass texts (a department's record, not a client's: each recipient's own text is
    in their conversation, under their hold), each as read (its state)."""
    guards = [jurisdiction_guard()]
    groups = [
        [Removal(MassTextModel(mass.mass_id), MassTextModel.state == mass.state, MASS_TEXTS, n)]
        for n, mass in enumerate(masses)
    ]
    outcome = Outcome()
    for batch in batches(len(guards), groups):
        outcome.add(delete_guarded(guards, batch))
        if outcome.refused_by is not None:
            break
    return outcome


def drop_waiting_number(number: OldWaitingNumber) -> Outcome:
    """A number whose texts all went leaves the Unclaimed queue (and the department's set
    of waiting numbers), unless a text came meanwhile."""
    item = UnclaimedModel(number.department_id, number.phone)
    as_read = (UnclaimedModel.texts_count == number.count) & (
        UnclaimedModel.last_at == number.last_at
    )
    return delete_guarded(
        [jurisdiction_guard()],
        [Removal(item, as_read, WAITING_NUMBERS)],
        [Companion(waiting_item(number.department_id), left(number.phone))],
    )
