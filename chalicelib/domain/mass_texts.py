"""Mass texts: one wording to many clients, each becoming an ordinary scheduled text in
the client's own conversation.

Pure rules: which clients a choice of recipients means, who is skipped and why (the
page's own rule, ``why_sending_is_off``), each recipient's filled text and its segments,
and the ids that make a mass text happen once: the mass text's id comes from the form's
one-time id, each recipient's scheduled-text id from the mass text's id and the client's,
so a second submit or a redelivered fan-out can only find its texts already there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from .appointments import Kind, read_summary
from .clients import Client
from .groups import Group, why_not_member
from .permissions import can_view_client
from .placeholders import CLIENT_PLACEHOLDERS, fill, used
from .segments import count_segments
from .send_block import why_sending_is_off
from .users import User

MAX_RECIPIENTS = 2000
COURT_WINDOW = timedelta(days=7)


class Pick(StrEnum):
    """How the recipients were chosen."""

    ALL = "all"  # all of my caseload (a supervisor: the whole department)
    GROUP = "group"
    COURT_SOON = "court_soon"  # a court date in the next 7 days
    TICKED = "ticked"  # rows ticked on the caseload


class MassState(StrEnum):
    STARTED = "started"  # recipients' texts are written (or being written) and go out
    CANCELLED = "cancelled"  # "cancel the rest": nothing more is written or sent


def mass_id_for(author_id: str, form_id: str) -> str:
    """The same form submitted twice names the same mass text."""
    return hashlib.sha256(f"mass|{author_id}|{form_id}".encode()).hexdigest()[:32]


def scheduled_id_for(mass_id: str, client_id: str) -> str:
    """Each recipient's one scheduled text of this mass text (hex, 32: it is also the
    text's one-time id in its status callback's path)."""
    return hashlib.sha256(f"{mass_id}|{client_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class MassText:
    mass_id: str
    department_id: str
    author_id: str
    body: str
    send_at: datetime
    recipients: tuple[str, ...]  # client ids, each gets a scheduled text
    skipped: Mapping[str, str] = field(default_factory=dict)  # client id → reason
    label: str = ""  # "Group: Thursday class", for the progress page
    state: MassState = MassState.STARTED
    created_at: datetime | None = None
    written_at: datetime | None = None  # when the fan-out finished writing every text


# Why a chosen client is skipped, as stored (short: 2,000 of them fit in one item) and as
# the progress view says it.
SKIP_WORDS = {
    "gone": "no longer on record",
    "moved": "moved out of the group's caseload",
    "not_yours": "not on a caseload you can text",
    "retired": "retired (case closed)",
    "opted_out": "texted STOP",
    "cannot_text": "the number cannot take texts",
}


@dataclass(frozen=True)
class Verdict:
    """One chosen client: texted (``skip`` empty) or skipped, with the reason."""

    client_id: str
    client: Client | None
    skip: str = ""  # a SKIP_WORDS key
    reason: str = ""  # the page's own words for the skip
    text: str = ""
    segments: int = 0

    @property
    def name(self) -> str:
        return self.client.listed_name if self.client else "A client no longer on record"


def court_soon(client: Client, now: datetime) -> bool:
    """A court date in the next 7 days (from the caseload's appointment summary)."""
    return any(
        u.kind is Kind.COURT and now < u.starts_at <= now + COURT_WINDOW
        for u in read_summary(client.appointments or {})
    )


def may_text(user: User, client: Client) -> bool:
    """A case manager texts only their own caseload in bulk; a supervisor the department."""
    if not can_view_client(user, client):
        return False
    return user.oversees_department or client.case_manager_id == user.user_id


def check_wording(body: str) -> None:
    """ValidationFailed on the body field for a brace that is not a placeholder."""
    used(body, CLIENT_PLACEHOLDERS, "body")


def verdicts(
    user: User,
    chosen_ids: Iterable[str],
    found: Mapping[str, Client],
    body: str,
    manager_names: Mapping[str, str],
    group: Group | None = None,
) -> list[Verdict]:
    """Every chosen client with what they get or why not, by name; skipped ones first
    would hide the texts, so the order is the caseload's (last name, first name)."""
    listed = []
    for client_id in dict.fromkeys(chosen_ids):
        client = found.get(client_id)
        skip = skip_code(user, client, group)
        if client is None or skip:
            words = why_sending_is_off(client) if client and skip in SEND_BLOCKS else ""
            listed.append(Verdict(client_id, client, skip, words or SKIP_WORDS[skip].capitalize()))
            continue
        text = fill(body, values_for(client, manager_names), "body")
        listed.append(Verdict(client_id, client, "", "", text, count_segments(text)))
    return sorted(listed, key=lambda v: (v.client is None, v.name.casefold()))


SEND_BLOCKS = ("retired", "opted_out", "cannot_text")


def skip_code(user: User, client: Client | None, group: Group | None) -> str:
    """ "" when the client is texted."""
    if client is None:
        return "gone"
    if group is not None and why_not_member(group, client):
        return "moved"
    if not may_text(user, client):
        return "not_yours"
    if client.retired:
        return "retired"
    if client.opted_out:
        return "opted_out"
    return "cannot_text" if why_sending_is_off(client) else ""


def values_for(client: Client, manager_names: Mapping[str, str]) -> dict[str, str]:
    return {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "case_manager": manager_names.get(client.case_manager_id, ""),
    }


@dataclass(frozen=True)
class Progress:
    """What became of a mass text's recipients, for the progress view."""

    queued: int = 0  # waiting for their time or a sender
    sent: int = 0  # Twilio took it, no delivery receipt yet
    delivered: int = 0
    failed: int = 0  # not sent, or not delivered
    cancelled: int = 0
    skipped: int = 0
    total: int = 0

    @property
    def settled(self) -> int:
        return self.sent + self.delivered + self.failed + self.cancelled + self.skipped

    @property
    def percent(self) -> int:
        """Settled share of everyone chosen: 100 once no text is still waiting."""
        return 100 if not self.total else (100 * self.settled) // self.total
