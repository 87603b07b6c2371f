"""Clients and the phone routes that lead to them, kept consistent with transactions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client, ClientDetails, id_number_key, sort_key_for
from ..domain.conversation import ConversationEntry
from ..domain.errors import StaleRecord
from ..domain.retirement import Retirement, RetireReason
from ..domain.search import search_text_for
from . import batch
from .audit import audit_row, client_subject
from .batch import Along, read_together
from .conversations import to_row
from .inbound import EMAIL_DUE
from .models import AuditModel, ClientModel, PhoneRouteModel
from .transactions import transactions
from .unread import Handover, read_handover, write_handover
from .write_failures import Cause, classify, retry_transient

MAX_CASELOAD = 2000
HANDOVER_ATTEMPTS = 5  # a move re-read because texts kept changing the unread state
PAGE_SIZE = 500


@dataclass(frozen=True)
class UnmailedTexts:
    client_id: str
    case_manager_id: str
    unread: int
    inbound_count: int


class NumberInUse(Exception):
    """Another client of the department holds this number as their current one."""

    def __init__(self, phone: str, holder_client_id: str):
        super().__init__(f"{phone} is the current number of client {holder_client_id}")
        self.phone = phone
        self.holder_client_id = holder_client_id


def route_key(department_id: str, phone: str) -> str:
    return f"{department_id}#{phone}"


def to_client(row: ClientModel) -> Client:
    return Client(
        client_id=row.client_id,
        department_id=row.department_id,
        case_manager_id=row.case_manager_id,
        first_name=row.first_name,
        last_name=row.last_name,
        phone=row.phone,
        notes=row.notes or "",
        language=row.language or "en",
        id_number=row.id_number or "",
        unread_count=int(row.unread_count or 0),
        last_contact_at=row.last_contact_at,
        version=int(row.version or 0),
        old_phones=tuple(cast(list[str], row.old_phones or [])),
        opted_out=bool(row.opted_out),
        delivery_problem=row.delivery_problem or "",
        recent_sentiment=tuple(float(x) for x in cast(list[float], row.recent_sentiment or [])),
        inbound_count=int(row.inbound_count or 0),
        changed_at=row.changed_at,
        scheduled_count=max(0, int(row.scheduled_count or 0)),
        appointments=None if row.appointments is None else dict(row.appointments.as_dict()),
        phone_note=row.phone_note or "",
        retirement=_retirement(row),
    )


def _retirement(row: ClientModel) -> Retirement | None:
    if row.retired_at is None:
        return None
    try:
        reason = RetireReason(row.retired_reason or "")
    except ValueError:
        reason = RetireReason.OTHER
    return Retirement(row.retired_at, reason, row.retired_by or "", row.retired_note or "")


def _route_free_for(client_id: str) -> Condition:
    """A number may be taken if no one holds it, only as an old number, or by this client."""
    return (
        PhoneRouteModel.route_key.does_not_exist()
        | (PhoneRouteModel.current == False)  # noqa: E712 - a DynamoDB condition, not a bool test
        | (PhoneRouteModel.client_id == client_id)
    )


def _unchanged_and_active(version: int) -> Condition:
    """Still the version the form showed, and not retired (a retired client is read-only)."""
    return (ClientModel.version == version) & ClientModel.retired_at.does_not_exist()


def _client_of(raw: dict[str, Any] | None) -> Client | None:
    return to_client(ClientModel.from_raw_data(raw)) if raw else None


class ClientStore:
    def get(self, client_id: str, along: Sequence[Along[Any]] = ()) -> Client | None:
        """One client; ``along`` are read in the same round trip (one BatchGetItem)."""
        if along:
            wanted = self.along(client_id)
            read_together([wanted, *along])
            return wanted.value
        try:
            return to_client(ClientModel.get(client_id))
        except ClientModel.DoesNotExist:
            return None

    def along(self, client_id: str, *, consistent: bool = False) -> Along[Client | None]:
        """The client, to be read with another read (``batch.read_together``)."""
        return batch.along(ClientModel, client_id, parse=_client_of, consistent=consistent)

    def read_ahead(self, found: Mapping[str, Client | None]) -> ClientStore:
        """This store, answering its next ``get`` of each client in ``found`` from that
        earlier read (each once: a later ``get`` reads again, so a page shown after a write
        sees the write)."""
        return _ReadAhead(found)

    def many(self, client_ids: list[str]) -> list[Client]:
        """Several clients in one BatchGetItem (order not kept)."""
        if not client_ids:
            return []
        return [to_client(row) for row in ClientModel.batch_get(sorted(set(client_ids)))]

    def caseload(self, case_manager_id: str) -> list[Client]:
        """A whole caseload, alphabetical, as the index projects it (no notes); paged by
        PynamoDB, at most MAX_CASELOAD clients."""
        rows = ClientModel.by_case_manager.query(
            case_manager_id, limit=MAX_CASELOAD, page_size=PAGE_SIZE
        )
        return [to_client(row) for row in rows]

    def department(self, department_id: str) -> list[Client]:
        """Every client of a department, alphabetical (supervisor pages); at most
        MAX_CASELOAD."""
        rows = ClientModel.by_department.query(
            department_id, limit=MAX_CASELOAD, page_size=PAGE_SIZE
        )
        return [to_client(row) for row in rows]

    def holding_id_numbers(self, department_id: str, keys: Iterable[str]) -> dict[str, list[str]]:
        """Active clients of a department by folded id number (``id_number_key``): key →
        their client ids (more than one when clients share it). From the id-number index,
        never a capped list: see ``client_lookup.by_id_numbers``."""
        from .client_lookup import by_id_numbers  # court imports only

        return by_id_numbers(department_id, keys)

    def with_unmailed_texts(self, limit: int = MAX_CASELOAD) -> list[UnmailedTexts]:
        """Clients with texts nobody was e-mailed about yet (the sparse e-mail index)."""
        rows = ClientModel.email_due_index.query(EMAIL_DUE, limit=limit, page_size=PAGE_SIZE)
        return [
            UnmailedTexts(
                r.client_id, r.case_manager_id, int(r.unread_count or 0), int(r.inbound_count or 0)
            )
            for r in rows
        ]

    def mailed(self, client_id: str, inbound_count: int) -> bool:
        """Take a client off the e-mail index, unless another text arrived since it was read."""
        try:
            retry_transient(
                "e-mail flag",
                lambda: ClientModel(client_id).update(
                    actions=[ClientModel.email_due.remove()],
                    condition=ClientModel.inbound_count == inbound_count,
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise
        return True

    def route(self, department_id: str, phone: str) -> tuple[str, bool] | None:
        """(client id, is it their current number) for any number a client ever used.

        Read strongly consistent: a number just attached to a client (or just freed) must
        route the very next text there, not to the queue it is leaving."""
        try:
            route = PhoneRouteModel.get(route_key(department_id, phone), consistent_read=True)
        except PhoneRouteModel.DoesNotExist:
            return None
        return route.client_id, bool(route.current)

    def holder_of(self, department_id: str, phone: str) -> str | None:
        """The client whose current number this is, if any: one GetItem."""
        try:
            route = PhoneRouteModel.get(route_key(department_id, phone))
        except PhoneRouteModel.DoesNotExist:
            return None
        return route.client_id if route.current else None

    def add(self, client: Client, audit: tuple[str, str, dict[str, str]] | None = None) -> Client:
        """Create the client and claim its number in one transaction (with ``audit``, an
        (actor, action, details) row of the client's trail in it too: an import's)."""
        now = datetime.now(UTC)
        row = ClientModel(
            client.client_id,
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            first_name=client.first_name,
            last_name=client.last_name,
            sort_name=sort_key_for(client.first_name, client.last_name),
            phone=client.phone,
            phone_note=client.phone_note or None,
            notes=client.notes,
            language=client.language,
            id_number=client.id_number or None,
            id_key=id_number_key(client.id_number) or None,
            unread_count=client.unread_count,
            last_contact_at=client.last_contact_at,
            created_at=now,
            updated_at=now,
            changed_at=now,
            version=1,
            appointments={},
            search_text=search_text_for(
                client.first_name, client.last_name, client.phone, client.id_number
            ),
            active_case_manager=client.case_manager_id,
            active_department=client.department_id,
        )
        route = PhoneRouteModel(
            route_key(client.department_id, client.phone),
            client_id=client.client_id,
            current=True,
            created_at=now,
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(row, condition=ClientModel.client_id.does_not_exist())
                tx.save(route, condition=_route_free_for(client.client_id))
                if audit is not None:
                    tx.save(_audit(client.client_id, *audit))

        try:
            retry_transient("client change", write)
        except PynamoDBException as exc:
            self._raise_number_in_use(client.department_id, client.phone, client.client_id, exc)
        return to_client(row)

    def update_details(
        self, client: Client, details: ClientDetails, marker: ConversationEntry | None
    ) -> Client:
        """Save edited details. A new number moves the route atomically and keeps the old one
        as a route to the same conversation; ``client.version`` guards against stale forms."""
        now = datetime.now(UTC)
        row = ClientModel.get(client.client_id)
        if int(row.version or 0) != client.version or row.retired_at is not None:
            raise StaleRecord("Someone else changed this client after you opened the form.")
        actions: list[Action] = [
            ClientModel.first_name.set(details.first_name),
            ClientModel.last_name.set(details.last_name),
            ClientModel.sort_name.set(sort_key_for(details.first_name, details.last_name)),
            ClientModel.phone.set(details.phone),
            ClientModel.phone_note.set(details.phone_note)
            if details.phone_note
            else ClientModel.phone_note.remove(),
            ClientModel.notes.set(details.notes),
            ClientModel.language.set(details.language),
            ClientModel.id_number.set(details.id_number)
            if details.id_number
            else ClientModel.id_number.remove(),
            ClientModel.id_key.set(id_number_key(details.id_number))
            if id_number_key(details.id_number)
            else ClientModel.id_key.remove(),
            ClientModel.search_text.set(
                search_text_for(
                    details.first_name, details.last_name, details.phone, details.id_number
                )
            ),
            ClientModel.updated_at.set(now),
            ClientModel.changed_at.set(now),
        ]
        if details.phone != client.phone:
            kept = [p for p in cast(list[str], row.old_phones or []) if p != details.phone]
            # PynamoDB types a list's items as the attribute class; the stored items are str.
            actions.append(ClientModel.old_phones.set(cast(Any, [*kept, client.phone])))
            # "Last text failed" (a landline, 30006; an unreachable phone) was about the
            # old number: the new one has not failed yet.
            actions.append(ClientModel.delivery_problem.remove())
        actions.append(ClientModel.version.add(1))

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(row, actions=actions, condition=_unchanged_and_active(client.version))
                if details.phone != client.phone:
                    previous = PhoneRouteModel(route_key(client.department_id, client.phone))
                    tx.update(
                        previous,
                        actions=[PhoneRouteModel.current.set(False)],
                        condition=PhoneRouteModel.client_id == client.client_id,
                    )
                    new = PhoneRouteModel(
                        route_key(client.department_id, details.phone),
                        client_id=client.client_id,
                        current=True,
                        created_at=now,
                    )
                    tx.save(new, condition=_route_free_for(client.client_id))
                if marker is not None:
                    tx.save(to_row(marker))

        try:
            retry_transient("client change", write)
        except PynamoDBException as exc:
            if details.phone != client.phone:
                self._raise_number_in_use(
                    client.department_id, details.phone, client.client_id, exc
                )
            raise StaleRecord("Someone else changed this client while you were saving.") from exc
        return to_client(ClientModel.get(client.client_id))

    def reassign(
        self,
        client: Client,
        case_manager_id: str,
        marker: ConversationEntry,
        old_owner_keeps_unread: bool = False,
    ) -> Client:
        """Move a client to another caseload and record the move in the conversation, with
        the old case manager's unread state handed to the new one, together. A text that
        lands meanwhile changes that state: it is read again and the move tried again."""
        row = ClientModel.get(client.client_id)
        if int(row.version or 0) != client.version or row.retired_at is not None:
            raise StaleRecord("Someone else changed this client after you opened the page.")
        for _ in range(HANDOVER_ATTEMPTS):
            handover = read_handover(
                client.client_id,
                client.department_id,
                client.case_manager_id,
                case_manager_id,
                old_owner_keeps_unread,
            )

            def write(handover: Handover = handover) -> None:
                with TransactWrite(connection=transactions()) as tx:
                    tx.update(
                        row,
                        actions=[
                            ClientModel.case_manager_id.set(case_manager_id),
                            ClientModel.active_case_manager.set(case_manager_id),
                            ClientModel.updated_at.set(datetime.now(UTC)),
                            ClientModel.changed_at.set(datetime.now(UTC)),
                            ClientModel.version.add(1),
                        ],
                        condition=_unchanged_and_active(client.version),
                    )
                    tx.save(to_row(marker))
                    write_handover(tx, handover)

            try:
                retry_transient("client change", write)
                return to_client(ClientModel.get(client.client_id))
            except PynamoDBException as exc:
                if classify(exc).cause is not Cause.CONDITION or self._moved_on(client):
                    raise StaleRecord(
                        "Someone else changed this client while you were saving."
                    ) from exc
        raise StaleRecord("New texts kept arriving while moving this client; please try again.")

    def _moved_on(self, client: Client) -> bool:
        """Was the client edited, moved or retired since ``client`` was read?"""
        current = self.get(client.client_id)
        return (
            current is None
            or current.version != client.version
            or current.retired
            or current.case_manager_id != client.case_manager_id
        )

    def _raise_number_in_use(
        self, department_id: str, phone: str, client_id: str, exc: Exception
    ) -> None:
        holder = self.holder_of(department_id, phone)
        if holder is not None and holder != client_id:
            raise NumberInUse(phone, holder) from exc
        raise StaleRecord("The change clashed with another one; please try again.") from exc

    def retire(
        self,
        client: Client,
        retirement: Retirement,
        marker: ConversationEntry,
        audit: dict[str, str],
    ) -> Client:
        """Take the client off every caseload index, free their current number (a text from
        it finds them through the non-current route and waits in Unclaimed), and record the
        marker and the audit row: one transaction, under the form's version."""
        now = datetime.now(UTC)

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(
                    ClientModel(client.client_id),
                    actions=[
                        ClientModel.retired_at.set(retirement.at),
                        ClientModel.retired_reason.set(retirement.reason.value),
                        ClientModel.retired_by.set(retirement.by),
                        ClientModel.retired_note.set(retirement.note)
                        if retirement.note
                        else ClientModel.retired_note.remove(),
                        ClientModel.retired_sort.set(
                            sort_key_for(client.first_name, client.last_name)
                        ),
                        ClientModel.sort_name.remove(),
                        ClientModel.active_case_manager.remove(),
                        ClientModel.active_department.remove(),
                        ClientModel.email_due.remove(),
                        ClientModel.updated_at.set(now),
                        ClientModel.changed_at.set(now),
                        ClientModel.version.add(1),
                    ],
                    condition=_unchanged_and_active(client.version),
                )
                tx.update(
                    PhoneRouteModel(route_key(client.department_id, client.phone)),
                    actions=[PhoneRouteModel.current.set(False)],
                    condition=PhoneRouteModel.client_id == client.client_id,
                )
                tx.save(to_row(marker))
                tx.save(_audit(client.client_id, retirement.by, "retire", audit))

        try:
            retry_transient("client retire", write)
        except PynamoDBException as exc:
            raise StaleRecord("Someone else changed this client while you were saving.") from exc
        return to_client(ClientModel.get(client.client_id))

    def reactivate(
        self, client: Client, actor: str, marker: ConversationEntry, audit: dict[str, str]
    ) -> Client:
        """Back on the caseload with their number, if no other client of the department has
        taken it meanwhile (``NumberInUse``): one transaction, under the form's version."""
        now = datetime.now(UTC)
        route = PhoneRouteModel(
            route_key(client.department_id, client.phone),
            client_id=client.client_id,
            current=True,
            created_at=now,
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.update(
                    ClientModel(client.client_id),
                    actions=[
                        ClientModel.retired_at.remove(),
                        ClientModel.retired_reason.remove(),
                        ClientModel.retired_by.remove(),
                        ClientModel.retired_note.remove(),
                        ClientModel.retired_sort.remove(),
                        ClientModel.sort_name.set(
                            sort_key_for(client.first_name, client.last_name)
                        ),
                        ClientModel.active_case_manager.set(client.case_manager_id),
                        ClientModel.active_department.set(client.department_id),
                        ClientModel.updated_at.set(now),
                        ClientModel.changed_at.set(now),
                        ClientModel.version.add(1),
                    ],
                    condition=(ClientModel.version == client.version)
                    & ClientModel.retired_at.exists(),
                )
                tx.save(route, condition=_route_free_for(client.client_id))
                tx.save(to_row(marker))
                tx.save(_audit(client.client_id, actor, "reactivate", audit))

        try:
            retry_transient("client reactivate", write)
        except PynamoDBException as exc:
            self._raise_number_in_use(client.department_id, client.phone, client.client_id, exc)
        return to_client(ClientModel.get(client.client_id))


def _audit(client_id: str, actor: str, action: str, details: dict[str, str]) -> AuditModel:
    return audit_row(client_subject(client_id), actor, action, details)


class _ReadAhead(ClientStore):
    def __init__(self, found: Mapping[str, Client | None]) -> None:
        self._found = dict(found)

    def get(self, client_id: str, along: Sequence[Along[Any]] = ()) -> Client | None:
        if client_id in self._found and not along:
            return self._found.pop(client_id)
        return super().get(client_id, along)
