"""Uploaded client spreadsheets, kept between their preview and the requests that apply
them: items of the ``court-imports`` table (no new table: the same TTL, the same
permissions, the same chunked plan as a court import, store/import_plans.py).

An import's key is ``client-import#<hex>``, which no court import's key can be (theirs are
hex alone, and the court pages refuse any other), and its item has no ``created_key``, so
the court imports' department index never lists it. Its plan's chunks are
``client-import#<hex>#rows#<n>``. Progress (``next_row``) and the tallies move together
in one UpdateItem under the condition that ``next_row`` is still where the caller's chunk
began, so two tabs never both count one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from ..config import get_settings
from ..domain.clients import Client
from . import import_plans
from .clients import route_key
from .court_imports import ImportState
from .models import ClientModel, CourtImportModel, PhoneRouteModel
from .tables import share_client
from .write_failures import Cause, WriteNotStored, classify, retry_transient

KEEP_FOR = timedelta(days=1)
PREFIX = "client-import#"


@dataclass(frozen=True)
class ClientImport:
    """One uploaded spreadsheet of clients and how far applying it has got."""

    import_id: str  # hex; stored under PREFIX
    department_id: str
    created_by: str
    created_at: datetime
    file_name: str
    rows_total: int
    counts: Mapping[str, int] = field(default_factory=dict)  # verdict → rows, as planned
    ignored: tuple[str, ...] = ()  # headers of columns the import does not read
    next_row: int = 0
    tally: Mapping[str, int] = field(default_factory=dict)  # what applying did, per outcome
    state: ImportState = ImportState.PREVIEWED
    expires_at: datetime | None = None
    late: tuple[str, ...] = ()  # "<row>|<verdict>": planned new, refused while applying

    def refused_late(self) -> list[tuple[int, str]]:
        """(row, verdict) of the rows planned new that applying found otherwise."""
        return [(int(line), verdict) for line, verdict in (i.split("|", 1) for i in self.late)]

    @property
    def done(self) -> bool:
        return self.state is ImportState.DONE

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class ClientImportModel(Model):
    """A client import's item (see the module docstring)."""

    class Meta:
        table_name = "court-imports"
        billing_mode = "PAY_PER_REQUEST"

    import_id = UnicodeAttribute(hash_key=True)  # client-import#<hex>
    department_id = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    file_name = UnicodeAttribute(default="")
    rows_total = NumberAttribute()
    next_row = NumberAttribute(default=0)
    counts: MapAttribute[str, int] = MapAttribute(default=dict)
    tally: MapAttribute[str, int] = MapAttribute(default=dict)
    ignored = ListAttribute(of=UnicodeAttribute, null=True)
    state = UnicodeAttribute(default="previewed")
    expires_at = TTLAttribute()
    late = ListAttribute(of=UnicodeAttribute, null=True)


def _model() -> type[ClientImportModel]:
    """The model on the stage's court-imports table (as store/import_plans.py binds its own)."""
    name = CourtImportModel.Meta.table_name
    if ClientImportModel.Meta.table_name != name:
        ClientImportModel.Meta.table_name = name
    share_client(ClientImportModel, get_settings())
    return ClientImportModel


def _key(import_id: str) -> str:
    return PREFIX + import_id


def _to_import(row: ClientImportModel) -> ClientImport:
    return ClientImport(
        import_id=row.import_id.removeprefix(PREFIX),
        department_id=row.department_id,
        created_by=row.created_by,
        created_at=row.created_at,
        file_name=row.file_name or "",
        rows_total=int(row.rows_total or 0),
        counts={k: int(v) for k, v in (row.counts.as_dict() if row.counts else {}).items()},
        ignored=tuple(str(i) for i in row.ignored or ()),
        next_row=int(row.next_row or 0),
        tally={k: int(v) for k, v in (row.tally.as_dict() if row.tally else {}).items()},
        state=ImportState(row.state or ImportState.PREVIEWED.value),
        expires_at=row.expires_at,
        late=tuple(str(i) for i in row.late or ()),
    )


def _written(what: str, write: Callable[[], object]) -> bool:
    """Run a conditional write: True when it landed, False when its condition failed."""
    try:
        retry_transient(what, write)
    except PynamoDBException as exc:
        failure = classify(exc)
        if failure.cause is Cause.CONDITION:
            return False
        raise WriteNotStored(what, failure.cause) from exc
    return True


class ClientImportStore:
    def add(self, record: ClientImport, chunks: Sequence[bytes]) -> ClientImport:
        """Keep the plan's chunks, then the import (so an import that opens has its plan).
        The id is 128 random bits: a failed condition is an earlier attempt that landed."""
        expires_at = record.created_at + KEEP_FOR
        import_plans.keep(_key(record.import_id), import_plans.ROWS, chunks, expires_at)
        model = _model()
        row = model(
            _key(record.import_id),
            department_id=record.department_id,
            created_by=record.created_by,
            created_at=record.created_at,
            file_name=record.file_name,
            rows_total=record.rows_total,
            next_row=0,
            counts=dict(record.counts),
            tally={},
            ignored=list(record.ignored) or None,
            state=ImportState.PREVIEWED.value,
            expires_at=expires_at,
        )
        _written("client import", lambda: row.save(condition=model.import_id.does_not_exist()))
        return replace(record, expires_at=expires_at)

    def get(self, import_id: str) -> ClientImport | None:
        try:
            row = _model().get(_key(import_id), consistent_read=True)
        except ClientImportModel.DoesNotExist:
            return None
        return _to_import(row)

    def plan_chunk(self, import_id: str, number: int) -> bytes:
        return import_plans.chunk(_key(import_id), import_plans.ROWS, number)

    def whole_plan(self, import_id: str, count: int) -> list[bytes]:
        return import_plans.every_chunk(_key(import_id), import_plans.ROWS, count)

    def advance(
        self,
        record: ClientImport,
        to_row: int,
        tally: Mapping[str, int],
        state: ImportState,
        late: Sequence[str] = (),
    ) -> bool:
        """Record steps as applied (progress and totals together), only if ``next_row`` is
        still ``record.next_row``. False when another request recorded them first."""
        model = _model()

        def write() -> None:
            model(_key(record.import_id)).update(
                actions=[
                    model.next_row.set(to_row),
                    model.tally.set(dict(tally)),
                    model.state.set(state.value),
                    model.late.set(list(late))  # type: ignore[arg-type]
                    if late
                    else model.late.remove(),
                ],
                condition=(model.next_row == record.next_row),
            )

        return _written(f"client import {record.import_id}", write)

    def current_holders(self, department_id: str, phones: Iterable[str]) -> dict[str, str]:
        """E.164 → the client whose current number it is, for those someone holds
        (BatchGetItem, 100 numbers a request)."""
        keys = sorted({route_key(department_id, phone) for phone in phones if phone})
        found: dict[str, str] = {}
        for route in PhoneRouteModel.batch_get(keys):
            if route.current:
                found[route.route_key.removeprefix(f"{department_id}#")] = route.client_id
        return found

    def retired_clients(self, department_id: str) -> list[Client]:
        """The department's retired clients as the retired list's index holds them
        (names, last number, id number, case manager): every page of one Query. The id
        number index lists active clients only, and a retired one's route is no longer
        current, so a plan compares its rows with these (a few hundred bytes a client:
        one 1 MB page for thousands)."""
        return [
            Client(
                client_id=row.client_id,
                department_id=row.department_id,
                case_manager_id=row.case_manager_id,
                first_name=row.first_name,
                last_name=row.last_name,
                phone=row.phone,
                id_number=row.id_number or "",
            )
            for row in ClientModel.retired_by_department.query(department_id)
        ]
