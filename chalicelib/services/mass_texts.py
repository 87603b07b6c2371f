"""Mass texts: choose recipients, preview, start, fan out, follow, cancel the rest.

Starting writes one item (``MassTextStore.start``) and answers: a 2,000-recipient mass
text starts in one request well inside 2 s. The recipients' scheduled texts are written
afterwards by ``fan_out``, run from the mass-texts table's stream (Lambda retries a failed
batch until it succeeds), idempotently. From then on each is an ordinary scheduled text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..domain.clients import Client
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.groups import Group
from ..domain.jurisdiction import Jurisdiction
from ..domain.mass_texts import (
    MAX_RECIPIENTS,
    SKIP_WORDS,
    MassState,
    MassText,
    Pick,
    Progress,
    Verdict,
    check_wording,
    court_soon,
    mass_id_for,
    scheduled_id_for,
    values_for,
    verdicts,
)
from ..domain.message_body import checked_body
from ..domain.placeholders import fill
from ..domain.scheduling import ScheduledText, ScheduleState, check_send_at, parse_local
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.groups import GroupStore
from ..store.mass_texts import MassTextStore
from ..store.scheduled import ChangeRefused, ScheduledStore
from ..store.users import UserStore
from .groups import open_group

__all__ = ["SKIP_WORDS", "fan_out", "start_mass_text"]


@dataclass(frozen=True)
class Chosen:
    client_ids: list[str]
    found: dict[str, Client]
    group: Group | None
    label: str


def choose(
    user: User,
    clients: ClientStore,
    groups: GroupStore,
    pick: str,
    group_id: str,
    ticked: Sequence[str],
    now: datetime,
) -> Chosen:
    """The clients a choice of recipients means, read once."""
    try:
        how = Pick(pick)
    except ValueError:
        raise ValidationFailed({"pick": "Choose who gets the text."}) from None
    group = None
    if how is Pick.GROUP:
        if not group_id:
            raise ValidationFailed({"pick": "Choose a group."})
        group = open_group(user, groups, group_id)
        ids = sorted(group.members)
        label = f"Group: {group.name}"
    elif how is Pick.TICKED:
        ids = list(dict.fromkeys(ticked))
        label = "Ticked clients"
    else:
        listed = own_clients(user, clients)
        if how is Pick.COURT_SOON:
            listed = [c for c in listed if court_soon(c, now)]
        found = {c.client_id: c for c in listed}
        label = "Court date in the next 7 days" if how is Pick.COURT_SOON else "All my clients"
        if user.oversees_department and how is Pick.ALL:
            label = "The whole department"
        return Chosen(list(found), found, None, label)
    if len(ids) > MAX_RECIPIENTS:
        raise ValidationFailed({"pick": f"A mass text goes to at most {MAX_RECIPIENTS} clients."})
    return Chosen(ids, {c.client_id: c for c in clients.many(ids)}, group, label)


def own_clients(user: User, clients: ClientStore) -> list[Client]:
    """A case manager's caseload; a supervisor's department."""
    if user.oversees_department:
        return clients.department(user.department_id)
    return clients.caseload(user.user_id)


def manager_names(users: UserStore, found: Iterable[Client]) -> dict[str, str]:
    wanted = sorted({c.case_manager_id for c in found})
    return {uid: u.display_name for uid, u in users.many(wanted).items()} if wanted else {}


def checked_send_at(form: Mapping[str, str], jurisdiction: Jurisdiction, now: datetime) -> datetime:
    if form.get("when", "now") == "now":
        return now
    send_at = parse_local(form.get("send_date", ""), form.get("send_time", ""), jurisdiction.zone)
    check_send_at(send_at, now)
    return send_at


@dataclass(frozen=True)
class Preview:
    body: str
    send_at: datetime
    chosen: Chosen
    verdicts: list[Verdict]

    @property
    def texted(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.skip]

    @property
    def skipped(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.skip]


def preview(
    user: User,
    clients: ClientStore,
    groups: GroupStore,
    users: UserStore,
    jurisdiction: Jurisdiction,
    form: Mapping[str, str],
    ticked: Sequence[str],
    now: datetime,
) -> Preview:
    """What each chosen client would get, and who is skipped and why; nothing written."""
    errors: dict[str, str] = {}
    body = ""
    try:
        body = checked_body(form.get("body", ""))
        check_wording(body)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    try:
        send_at = checked_send_at(form, jurisdiction, now)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    chosen = choose(user, clients, groups, form.get("pick", ""), form.get("group", ""), ticked, now)
    if errors:
        raise ValidationFailed(errors)
    names = manager_names(users, chosen.found.values())
    listed = verdicts(user, chosen.client_ids, chosen.found, body, names, chosen.group)
    refuse_strangers(listed)
    if not any(not v.skip for v in listed):
        raise ValidationFailed({"pick": "Nobody chosen can be texted: see who and why below."})
    return Preview(body, send_at, chosen, listed)


def start_from_form(
    user: User,
    clients: ClientStore,
    groups: GroupStore,
    users: UserStore,
    mass_texts: MassTextStore,
    jurisdiction: Jurisdiction,
    form: Mapping[str, str],
    ticked: Sequence[str],
    now: datetime,
) -> MassText:
    """The page's send: the same checks as the preview, then ``start_mass_text``."""
    seen = preview(user, clients, groups, users, jurisdiction, form, ticked, now)
    return start_verdicts(
        user,
        mass_texts,
        seen.verdicts,
        seen.body,
        seen.send_at,
        form.get("form_id", ""),
        seen.chosen.label,
    )


def start_mass_text(
    user: User,
    clients: ClientStore,
    mass_texts: MassTextStore,
    client_ids: Sequence[str],
    body: str,
    send_at: datetime,
    form_id: str,
    label: str = "",
) -> MassText:
    """Start a mass text to ``client_ids`` (what the page calls; the bench too): reads the
    clients once (BatchGetItem), writes one item, returns. The same ``form_id`` again
    returns the mass text it started the first time."""
    body = checked_body(body)
    check_wording(body)
    found = {c.client_id: c for c in clients.many(list(client_ids))}
    listed = verdicts(user, client_ids, found, body, {})
    return start_verdicts(user, mass_texts, listed, body, send_at, form_id, label)


def start_verdicts(
    user: User,
    mass_texts: MassTextStore,
    listed: Sequence[Verdict],
    body: str,
    send_at: datetime,
    form_id: str,
    label: str,
) -> MassText:
    if len(form_id) < 16:
        raise ValidationFailed({"form": "This form is out of date: open Mass text again."})
    refuse_strangers(listed)
    mass = MassText(
        mass_id=mass_id_for(user.user_id, form_id),
        department_id=user.department_id,
        author_id=user.user_id,
        body=body,
        send_at=send_at,
        recipients=tuple(v.client_id for v in listed if not v.skip),
        skipped={v.client_id: v.skip for v in listed if v.skip},
        label=label,
    )
    stored, _ = mass_texts.start(mass)
    return stored


def refuse_strangers(listed: Sequence[Verdict]) -> None:
    """A chosen client the person may not text means a crafted form (or a client moved
    away since it was ticked): nothing is shown or sent."""
    if any(v.skip == "not_yours" for v in listed):
        raise Forbidden("Only clients you can text may get a mass text from you: nothing was sent.")


def fan_out(mass_texts: MassTextStore, clients: ClientStore, users: UserStore, mass_id: str) -> int:
    """Write each recipient's scheduled text (run from the stream; safe to run again)."""
    mass = mass_texts.get(mass_id)
    if mass is None or mass.state is not MassState.STARTED or mass.written_at is not None:
        return 0
    texts = texts_for(mass, clients, users)
    written = mass_texts.write_texts(mass.mass_id, texts)
    mass_texts.mark_written(mass.mass_id)
    return written


def texts_for(mass: MassText, clients: ClientStore, users: UserStore) -> list[ScheduledText]:
    """Each recipient's scheduled text, filled for them (one BatchGetItem per 100)."""
    found = {c.client_id: c for c in clients.many(list(mass.recipients))}
    names = manager_names(users, found.values())
    return [
        ScheduledText(
            client_id=client.client_id,
            scheduled_id=scheduled_id_for(mass.mass_id, client.client_id),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            author_id=mass.author_id,
            body=fill(mass.body, values_for(client, names), "body"),
            send_at=mass.send_at,
        )
        for cid in mass.recipients
        if (client := found.get(cid)) is not None
    ]


def listed(user: User, mass_texts: MassTextStore) -> list[MassText]:
    """The latest mass texts a person may follow: their own; a supervisor's department's."""
    found = mass_texts.in_department(user.department_id)
    if user.oversees_department:
        return found
    return [m for m in found if m.author_id == user.user_id]


def open_mass_text(user: User, mass_texts: MassTextStore, mass_id: str) -> MassText:
    """Its author, or a supervisor of its department."""
    mass = mass_texts.get(mass_id)
    if mass is None:
        raise NotFound("There is no such mass text.")
    own = mass.author_id == user.user_id
    overseer = user.oversees_department and user.department_id == mass.department_id
    if not user.active or not (own or overseer):
        raise Forbidden("This mass text is not one you can see.")
    return mass


def recipient_texts(mass: MassText, mass_texts: MassTextStore) -> list[ScheduledText]:
    keys = [(cid, scheduled_id_for(mass.mass_id, cid)) for cid in mass.recipients]
    return mass_texts.texts(keys)


def progress(user: User, mass_texts: MassTextStore, mass_id: str) -> tuple[MassText, Progress]:
    """Counts for the progress view: two batched reads per 100 recipients."""
    mass = open_mass_text(user, mass_texts, mass_id)
    texts = recipient_texts(mass, mass_texts)
    sent = [t for t in texts if t.state is ScheduleState.SENT and t.entry_key]
    statuses = mass_texts.entry_statuses([(t.client_id, t.entry_key) for t in sent])
    counts = dict.fromkeys(("queued", "sent", "delivered", "failed", "cancelled"), 0)
    for text in texts:
        counts[bucket(text, statuses.get((text.client_id, text.entry_key), ""))] += 1
    missing = len(mass.recipients) - len(texts)
    skipped = len(mass.skipped)
    if mass.state is MassState.CANCELLED:
        counts["cancelled"] += missing
    elif mass.written_at is None:
        counts["queued"] += missing  # still being written
    else:
        skipped += missing  # gone before its text could be written
    return mass, Progress(**counts, skipped=skipped, total=len(mass.recipients) + len(mass.skipped))


def bucket(text: ScheduledText, status: str) -> str:
    if text.state.pending:
        return "queued"
    if text.state is ScheduleState.CANCELLED:
        return "cancelled"
    if text.state is not ScheduleState.SENT:
        return "failed"
    if status == "delivered":
        return "delivered"
    if status in ("failed", "undelivered", "not_sent"):
        return "failed"
    return "sent"


def cancel_rest(
    user: User, mass_texts: MassTextStore, scheduled: ScheduledStore, mass_id: str
) -> int:
    """No more texts are written; each one no sender has claimed is cancelled through the
    scheduled texts' own cancel step. How many were cancelled."""
    mass = open_mass_text(user, mass_texts, mass_id)
    mass_texts.cancel(mass, user.user_id)
    cancelled = 0
    for text in recipient_texts(mass, mass_texts):
        if text.state.editable and not isinstance(
            scheduled.cancel(text, user.user_id), ChangeRefused
        ):
            cancelled += 1
    return cancelled


def skipped_names(mass: MassText, clients: ClientStore) -> list[tuple[str, str]]:
    """(name, reason code) of the skipped, by name: the progress view lists them."""
    found = {c.client_id: c for c in clients.many(sorted(mass.skipped))}
    listed = [
        (found[cid].listed_name if cid in found else "A client no longer on record", why)
        for cid, why in mass.skipped.items()
    ]
    return sorted(listed, key=lambda pair: pair[0].casefold())
