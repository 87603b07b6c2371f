"""The dashboard's day rows, counted once per event.

Every count is one transaction: a ``seen#<event>`` marker put on condition that it is not
there, and the case manager's day row updated with ``ADD``. A stream that hands an entry
again finds its marker and counts nothing (only that failed condition means "already
counted"; anything else is retried, then raised so Lambda retries the batch). The
department's figure is summed from its case managers' rows when read, so no item is
updated by every text of a department. A period is one Query of the department's
``day#`` rows; never a Scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from pynamodb.attributes import NumberAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.clients import Client
from ..domain.dashboard import DayRow, Tally, bucket_name
from .models import DashboardCountModel, ScheduledTextModel
from .quiet_clients import quiet_since
from .staff_changes import own_setting_audit
from .transactions import transactions
from .write_failures import WriteNotStored, classify, retry_transient

# Markers outlive any redelivery: a stream keeps records 24 hours, Lambda retries within it.
MARKER_DAYS = 3
WAIT_DAYS = 30  # a client's text nobody answered in a month stops being timed
COUNTERS = (*(t.value for t in Tally), *(bucket_name(i) for i in range(10)))


@dataclass(frozen=True)
class Count:
    """One event's change to one case manager's day row."""

    event_key: str
    department_id: str
    day: date
    case_manager_id: str
    name: str
    tallies: tuple[Tally, ...] = ()
    contacted: bytes = b""  # the client's mark, if the event is a contact
    answer_bucket: int | None = None
    client_id: str = ""
    starts_wait: datetime | None = None  # a client's text: the answer clock starts if idle
    ends_wait: datetime | None = None  # a reply to the client's text of this time


def day_key(day: date, case_manager_id: str = "") -> str:
    return f"day#{day.isoformat()}#{case_manager_id}"


def _marker(department_id: str, key: str, now: datetime) -> DashboardCountModel:
    return DashboardCountModel(department_id, key, expires_at=now + timedelta(days=MARKER_DAYS))


class DashboardCounts:
    def __init__(self, connection: Connection | None = None):
        self.connection = connection

    def _tx(self) -> TransactWrite:
        return TransactWrite(connection=self.connection or transactions())

    def count(self, count: Count, now: datetime) -> bool:
        """Apply ``count`` once: True when counted now, False when it already was. The
        client's answer clock starts (kept if already running) or stops in the same
        transaction; it stops on condition that it still times the text answered."""
        row = DashboardCountModel(count.department_id, day_key(count.day, count.case_manager_id))
        actions: list[Action] = [DashboardCountModel.name.set(count.name)]
        for tally in count.tallies:
            actions.append(_counter(tally.value).add(1))
        if count.answer_bucket is not None:
            actions.append(_counter(bucket_name(count.answer_bucket)).add(1))
        if count.contacted:
            actions.append(DashboardCountModel.contacted.add({count.contacted}))
        marker = _marker(count.department_id, f"seen#{count.event_key}", now)
        wait = DashboardCountModel(count.department_id, f"wait#{count.client_id}")
        what = f"count {count.event_key}"

        def write(stop_clock: bool) -> None:
            with self._tx() as tx:
                if stop_clock and count.ends_wait is not None:
                    tx.delete(wait, condition=DashboardCountModel.at == count.ends_wait)
                tx.save(marker, condition=DashboardCountModel.row_key.does_not_exist())
                tx.update(row, actions=actions)
                if count.starts_wait is not None:
                    at, expires_at = DashboardCountModel.at, DashboardCountModel.expires_at
                    expires = now + timedelta(days=WAIT_DAYS)
                    tx.update(
                        wait,
                        actions=[at.set(at | count.starts_wait), expires_at.set(expires)],
                    )

        stops = count.ends_wait is not None
        try:
            retry_transient(what, lambda: write(True))
            return True
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.item_failed_condition(1 if stops else 0):
                return False  # counted before
            if not (stops and failure.item_failed_condition(0)):
                raise WriteNotStored(what, failure.cause) from exc
        # another reply stopped the clock meanwhile: count this text without an answer time
        plain = replace(count, ends_wait=None, answer_bucket=None, tallies=_unanswered(count))
        return self.count(plain, now)

    def of_mass_texts(self, texts: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (client id, scheduled id) texts a mass text wrote: one
        BatchGetItem per 100 (a scheduled text's conversation entry has its id)."""
        if not texts:
            return set()
        found = ScheduledTextModel.batch_get(
            texts, attributes_to_get=["client_id", "scheduled_id", "mass_id"]
        )
        return {(row.client_id, row.scheduled_id) for row in found if row.mass_id}

    def waiting_since(self, department_id: str, client_id: str) -> datetime | None:
        try:
            return DashboardCountModel.get(
                department_id, f"wait#{client_id}", consistent_read=True
            ).at
        except DashboardCountModel.DoesNotExist:
            return None

    def rows(self, department_id: str, first: date, last: date) -> list[DayRow]:
        """Every case manager's day rows from ``first`` to ``last``: one Query (a month of
        a 10,000-client department's rows is well under DynamoDB's 1 MB page)."""
        found = DashboardCountModel.query(
            department_id,
            DashboardCountModel.row_key.between(day_key(first), day_key(last) + "\uffff"),
        )
        return [to_day_row(item) for item in found]

    def quiet_clients(
        self, department_id: str, before: datetime, limit: int
    ) -> tuple[list[Client], bool]:
        """The department's clients last in contact before ``before`` (one Query)."""
        return quiet_since(department_id, before, limit)

    def wants_weekly(self, department_id: str, user_id: str) -> bool:
        """Does this supervisor get the weekly e-mail (their settings' checkbox)?"""
        try:
            DashboardCountModel.get(department_id, f"weekly#{user_id}", consistent_read=True)
        except DashboardCountModel.DoesNotExist:
            return False
        return True

    def set_weekly(self, department_id: str, user_id: str, wanted: bool) -> None:
        """Opt in or out; kept under the department, so the weekly job reads one Query a
        department (the job checks role and department again before it mails)."""
        item = DashboardCountModel(department_id, f"weekly#{user_id}")

        def write() -> None:  # the choice and its audit row, in one transaction
            with TransactWrite(connection=transactions()) as tx:
                if wanted:
                    tx.save(item)
                else:
                    tx.delete(item)
                tx.save(own_setting_audit(user_id, "weekly_email", wanted))

        retry_transient("weekly e-mail choice", write)

    def weekly_readers(self, department_id: str) -> list[str]:
        """The user ids opted in under this department: one Query."""
        found = DashboardCountModel.query(
            department_id, DashboardCountModel.row_key.startswith("weekly#")
        )
        return [item.row_key.split("#", 1)[1] for item in found]

    def release_mail(self, department_id: str, week: str, user_id: str) -> None:
        """Give a claim back when its mail could not be sent: the next run tries again."""
        item = DashboardCountModel(department_id, f"mail#{week}#{user_id}")
        retry_transient("weekly e-mail claim", item.delete)

    def claim_mail(self, department_id: str, week: str, user_id: str, now: datetime) -> bool:
        """Claim this week's e-mail to ``user_id``: True for the one claim that wins."""
        item = _marker(department_id, f"mail#{week}#{user_id}", now + timedelta(days=30))
        try:
            retry_transient(
                "weekly e-mail claim",
                lambda: item.save(condition=DashboardCountModel.row_key.does_not_exist()),
            )
        except PynamoDBException as exc:
            if classify(exc).item_failed_condition(0):
                return False
            raise WriteNotStored("weekly e-mail claim", classify(exc).cause) from exc
        return True


def _unanswered(count: Count) -> tuple[Tally, ...]:
    return tuple(t for t in count.tallies if t is not Tally.ANSWERED)


def _counter(name: str) -> NumberAttribute:
    """A day row's counter attribute by its name (they are declared on the model)."""
    attribute = DashboardCountModel.get_attributes()[name]
    assert isinstance(attribute, NumberAttribute)
    return attribute


def _wait_key(count: Count) -> str:
    return "wait#" + count.event_key.split("#", 2)[1]


def to_day_row(item: DashboardCountModel) -> DayRow:
    _, day, case_manager = item.row_key.split("#", 2)
    values = {name: getattr(item, name) for name in COUNTERS}
    counts = {name: int(value) for name, value in values.items() if value is not None}
    return DayRow(
        date.fromisoformat(day),
        case_manager,
        item.name or "",
        counts,
        frozenset(item.contacted or ()),
    )


def day_rows(items: Iterable[DashboardCountModel]) -> list[DayRow]:
    return [to_day_row(i) for i in items]
