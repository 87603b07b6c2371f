"""Mass texts (``mass-texts`` table) and the writing of their recipients' scheduled texts.

The request that starts one writes a single item (wording, time, recipients, skipped)
with its audit row, under "no such mass text yet": a second submit of the same form finds
it there. Its stream runs the fan-out, which writes each recipient's scheduled text in
transactions of 33 recipients (their text under "no such text yet", its audit row on the
client, their caseload count, and a check that the mass text was not cancelled): a
redelivered or retried fan-out only finds texts already there, and "cancel the rest" stops
every later chunk. The sweep and
the senders do the rest, as for any scheduled text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from ..domain.mass_texts import MassState, MassText
from ..domain.scheduling import ScheduledText
from .audit import audit_row, client_subject
from .models import (
    AuditModel,
    ClientModel,
    ConversationEntryModel,
    MassTextModel,
    ScheduledTextModel,
)
from .scheduled import new_row, to_scheduled
from .transactions import transactions
from .write_failures import Cause, WriteNotStored, classify, retry_transient

PER_TRANSACTION = 33  # 1 check + 33 texts, audit rows and counts: DynamoDB takes 100 items
BATCH_GET = 100
LISTED = 50


def to_mass(row: MassTextModel) -> MassText:
    return MassText(
        mass_id=row.mass_id,
        department_id=row.department_id,
        author_id=row.author_id,
        body=row.body,
        send_at=row.send_at,
        recipients=tuple(str(r) for r in row.recipients or ()),
        skipped=dict(row.skipped.as_dict() if row.skipped else {}),
        label=row.label or "",
        state=MassState(row.state),
        created_at=row.created_at,
        written_at=row.written_at,
    )


class MassTextStore:
    def start(self, mass: MassText) -> tuple[MassText, bool]:
        """Store the mass text and its audit row; (the stored one, False) when the same
        form was submitted before."""
        now = datetime.now(UTC)
        row = MassTextModel(
            mass.mass_id,
            department_id=mass.department_id,
            author_id=mass.author_id,
            body=mass.body,
            send_at=mass.send_at,
            recipients=list(mass.recipients),
            skipped=dict(mass.skipped) or None,
            label=mass.label,
            state=MassState.STARTED.value,
            created_at=now,
            started_key=f"{now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{mass.mass_id}",
        )
        audit = audit_row(
            f"department#{mass.department_id}",
            mass.author_id,
            "mass_text",
            {
                "mass_text": mass.mass_id,
                "recipients": len(mass.recipients),
                "skipped": len(mass.skipped),
                "send_at": mass.send_at.isoformat(),
            },
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(row, condition=MassTextModel.mass_id.does_not_exist())  # item 0
                tx.save(audit)

        try:
            retry_transient("mass text", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.item_failed_condition(0):
                found = self.get(mass.mass_id)
                if found is not None:
                    return found, False
            raise WriteNotStored("mass text", failure.cause) from exc
        return to_mass(row), True

    def get(self, mass_id: str) -> MassText | None:
        try:
            return to_mass(MassTextModel.get(mass_id, consistent_read=True))
        except MassTextModel.DoesNotExist:
            return None

    def in_department(self, department_id: str, limit: int = LISTED) -> list[MassText]:
        """A department's latest mass texts, newest first, as the index projects them (no
        recipients): one Query."""
        rows = MassTextModel.by_department.query(
            department_id, scan_index_forward=False, limit=limit, page_size=limit
        )
        return [
            MassText(
                mass_id=row.mass_id,
                department_id=row.department_id,
                author_id=row.author_id or "",
                body=row.body or "",
                send_at=row.send_at,
                recipients=(),
                label=row.label or "",
                state=MassState(row.state),
            )
            for row in rows
        ]

    def write_texts(self, mass_id: str, texts: Sequence[ScheduledText]) -> int:
        """Write the texts not written yet, 33 to a transaction; stops when the mass text
        was cancelled. How many this call wrote (0 on a repeat)."""
        written = 0
        for start in range(0, len(texts), PER_TRANSACTION):
            chunk = list(texts[start : start + PER_TRANSACTION])
            done = self._write_chunk(mass_id, chunk)
            if done is None:  # cancelled: write nothing more
                break
            written += done
        return written

    def _write_chunk(self, mass_id: str, chunk: list[ScheduledText]) -> int | None:
        now = datetime.now(UTC)
        waiting = list(chunk)
        while waiting:

            def write(texts: list[ScheduledText] = waiting) -> None:
                with TransactWrite(connection=transactions()) as tx:
                    tx.condition_check(  # item 0
                        MassTextModel,
                        mass_id,
                        condition=MassTextModel.state == MassState.STARTED.value,
                    )
                    for text in texts:  # items 1..n
                        tx.save(
                            of_mass(new_row(text, now), mass_id),
                            condition=ScheduledTextModel.scheduled_id.does_not_exist(),
                        )
                    for text in texts:  # items n+1..2n: the client's audit trail
                        tx.save(recipient_audit(mass_id, text))
                    for text in texts:  # items 2n+1..3n
                        tx.update(
                            ClientModel(text.client_id),
                            actions=[
                                ClientModel.scheduled_count.add(1),
                                ClientModel.changed_at.set(now),
                            ],
                            condition=ClientModel.client_id.exists(),
                        )

            try:
                retry_transient("mass text recipients", write)
            except PynamoDBException as exc:
                failure = classify(exc)
                if failure.cause is not Cause.CONDITION:
                    raise WriteNotStored("mass text recipients", failure.cause) from exc
                if failure.item_failed_condition(0):
                    return None
                n = len(waiting)
                there = {
                    i
                    for i in range(n)
                    if failure.item_failed_condition(1 + i)
                    or failure.item_failed_condition(1 + 2 * n + i)
                }
                if not there and len(waiting) > 1:  # the reasons named nobody: one at a time
                    return sum(self._write_chunk(mass_id, [t]) or 0 for t in waiting)
                if not there:  # unexplained: fail, so the stream runs the fan-out again
                    raise WriteNotStored("mass text recipients", failure.cause) from exc
                waiting = [t for i, t in enumerate(waiting) if i not in there]
                continue
            return len(waiting)
        return 0

    def mark_written(self, mass_id: str) -> None:
        """Every recipient's text is there (the progress view stops saying "preparing")."""
        retry_transient(
            "mass text written",
            lambda: MassTextModel(mass_id).update(
                actions=[MassTextModel.written_at.set(datetime.now(UTC))],
                condition=MassTextModel.mass_id.exists(),
            ),
        )

    def cancel(self, mass: MassText, actor: str) -> bool:
        """started → cancelled (no more texts get written); False when already cancelled."""
        audit = audit_row(
            f"department#{mass.department_id}",
            actor,
            "mass_text_cancel",
            {"mass_text": mass.mass_id},
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(audit)
                tx.update(  # item 1 (puts first)
                    MassTextModel(mass.mass_id),
                    actions=[MassTextModel.state.set(MassState.CANCELLED.value)],
                    condition=MassTextModel.state == MassState.STARTED.value,
                )

        try:
            retry_transient("mass text cancel", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.item_failed_condition(1):
                return False
            raise WriteNotStored("mass text cancel", failure.cause) from exc
        return True

    def texts(self, keys: Sequence[tuple[str, str]]) -> list[ScheduledText]:
        """The recipients' scheduled texts that exist, by (client id, scheduled id)."""
        found: list[ScheduledText] = []
        for start in range(0, len(keys), BATCH_GET):
            rows = ScheduledTextModel.batch_get(list(keys[start : start + BATCH_GET]))
            found.extend(to_scheduled(row) for row in rows)
        return found

    def entry_statuses(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Delivery status of sent texts' conversation entries, by (client id, entry key)."""
        found: dict[tuple[str, str], str] = {}
        for start in range(0, len(keys), BATCH_GET):
            rows = ConversationEntryModel.batch_get(
                list(keys[start : start + BATCH_GET]),
                attributes_to_get=["client_id", "entry_key", "status"],
            )
            found.update({(r.client_id, r.entry_key): r.status or "" for r in rows})
        return found


def recipient_audit(mass_id: str, text: ScheduledText) -> AuditModel:
    """Scheduled for a client, as any scheduled text is audited, naming its mass text."""
    return audit_row(
        client_subject(text.client_id),
        text.author_id,
        "schedule",
        {"scheduled": text.scheduled_id, "send_at": text.send_at.isoformat(), "mass_text": mass_id},
    )


def of_mass(row: ScheduledTextModel, mass_id: str) -> ScheduledTextModel:
    """A recipient's text says which mass text it is of (the dashboard counts mass texts)."""
    row.mass_id = mass_id
    return row
