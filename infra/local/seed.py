"""Demo data for the local stack: two departments, their staff, ~100 clients, some history.

Generated from a fixed seed so every ``make run`` shows the same people. All phone numbers
are in the 555-01XX range, which North American numbering keeps for fiction.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import boto3

from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind, new_entry_id
from chalicelib.domain.jurisdiction import Jurisdiction
from chalicelib.domain.unread import Unread
from chalicelib.domain.users import Role, User
from chalicelib.store.appointments import AppointmentStore, DepartmentTextsStore
from chalicelib.store.clients import ClientStore
from chalicelib.store.conversations import ConversationStore
from chalicelib.store.groups import GroupStore
from chalicelib.store.saved_replies import SavedReplyStore
from chalicelib.store.unread import UnreadStore
from chalicelib.store.users import UserStore
from infra.local.fake_twilio import LANDLINE_NUMBER, OPTED_OUT_NUMBER, UNREACHABLE_NUMBER

DEMO_PASSWORD = "ClientComm-demo-1"
NEW_HIRE_TEMPORARY_PASSWORD = "Temporary-pass-1!"
MICHAEL_NUMBER = "+13855550101"


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: Role
    department: str
    clients: int


DEMO_USERS = (
    DemoUser("dana", "Dana Whitfield", Role.SUPERVISOR, "probation", 0),
    DemoUser("kristina", "Kristina Alvarez", Role.CASE_MANAGER, "probation", 30),
    DemoUser("marcus", "Marcus Lee", Role.CASE_MANAGER, "probation", 28),
    DemoUser("priya", "Priya Raman", Role.SUPERVISOR, "pretrial", 0),
    DemoUser("tom", "Tom Becker", Role.CASE_MANAGER, "pretrial", 22),
    DemoUser("rosa", "Rosa Jimenez", Role.CASE_MANAGER, "pretrial", 20),
    # issue 21 (staff accounts): the jurisdiction's admin, who manages every department's
    # staff on /staff (a deployed stack's first admin comes from infra/ops/create_admin.py)
    DemoUser("alex", "Alex Morgan", Role.ADMIN, "probation", 0),
)
NEW_HIRE = DemoUser("newhire", "Jordan Newhire", Role.CASE_MANAGER, "probation", 0)

FIRST = (
    "Michael Ana Luis DeShawn Emily Jamal Maria Tyler Aaliyah Jose Brittany Hector Kayla "
    "Darnell Sofia Cody Lupe Andre Jasmine Travis Mei Carlos Destiny Ryan Guadalupe Terrell "
    "Amber Miguel Tanisha Dustin Rosa Kevin Yesenia Marcus Crystal Juan Shawna Eli Nadia "
    "Brandon Paola Isaiah Chelsea Omar Lakisha Wyatt Esperanza Dante Heather Raul"
).split()
LAST = (
    "Johnson Garcia Smith Martinez Brown Nguyen Williams Lopez Davis Hernandez Wilson "
    "Gonzalez Anderson Perez Thomas Sanchez Jackson Ramirez White Torres Harris Flores "
    "Clark Rivera Lewis Gomez Walker Diaz Young Reyes Allen Cruz King Morales Wright Ortiz "
    "Scott Gutierrez Green Chavez Baker Ramos Adams Peña Nelson Castillo Hill Vasquez Ng "
    "O'Brien"
).split()
INBOUND = (
    "Ok I'll be there",
    "Running late, bus broke down",
    "Yes",
    "Thank you so much!",
    "Can we move it to Friday? I got a shift",
    "I lost my job today",
    "What time again?",
    "Got it",
    "I'm sick, can't make it",
    "Here's my new address, 12 Main St",
)
OUTBOUND = (
    "Reminder: check-in tomorrow at 10am.",
    "How did the interview go?",
    "Please bring your paystub on Thursday.",
    "Your court date is Monday at 9am.",
    "Great work this week.",
)


def demo_numbers() -> list[str]:
    """Fictional mobile numbers, skipping the department and the fake's special numbers."""
    taken = {
        "+18015550100",
        "+18015550200",
        LANDLINE_NUMBER,
        UNREACHABLE_NUMBER,
        OPTED_OUT_NUMBER,
        MICHAEL_NUMBER,
    }
    return [
        f"+1{area}55501{n:02d}"
        for area in ("385", "435", "801")
        for n in range(100)
        if f"+1{area}55501{n:02d}" not in taken
    ]


def create_login(
    cognito,
    pool_id: str,
    username: str,
    temporary: str,
    permanent: str | None = None,
    email: str = "",
) -> None:
    """A Cognito account, as an admin creates it; with ``permanent`` the first-login
    password step is already done."""
    attributes = (
        [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        if email
        else []
    )
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
        UserAttributes=attributes,
    )
    if permanent:
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=permanent, Permanent=True
        )


def create_staff(pool_id: str, region: str, users: UserStore) -> None:
    cognito = boto3.client("cognito-idp", region_name=region)
    for demo in (*DEMO_USERS, NEW_HIRE):
        email = f"{demo.username}@{demo.department}.demo.invalid"
        if demo is NEW_HIRE:
            create_login(cognito, pool_id, demo.username, NEW_HIRE_TEMPORARY_PASSWORD, email=email)
        else:
            create_login(cognito, pool_id, demo.username, DEMO_PASSWORD, DEMO_PASSWORD, email)
        users.save(User(demo.username, demo.name, email, demo.role, demo.department))


def create_clients(
    clients: ClientStore,
    conversations: ConversationStore,
    now: datetime | None = None,
    unread_state: UnreadStore | None = None,
) -> int:
    """Demo clients, a third with history; unread texts are unread for the case manager and
    the department's supervisor, each on their own."""
    rng = random.Random(2016)  # ClientComm's first year at Salt Lake County
    now = now or datetime.now(UTC)
    numbers = iter(demo_numbers())
    names = rng.sample([(f, last) for f in FIRST for last in LAST], 120)
    made = 0
    for demo in DEMO_USERS:
        for i in range(demo.clients):
            first, last = names.pop()
            phone = next(numbers)
            if demo.username == "kristina":
                first, last, phone = {
                    0: ("Michael", "Tran", MICHAEL_NUMBER),
                    1: ("Lena", "Landline", LANDLINE_NUMBER),
                    2: ("Ray", "Unreachable", UNREACHABLE_NUMBER),
                    3: ("Stella", "Stopped", OPTED_OUT_NUMBER),
                }.get(i, (first, last, phone))
            history = _history(rng, now) if i % 3 == 0 else []
            unread = sum(1 for e in history[-2:] if e[1] is Direction.INBOUND) if i % 2 else 0
            client = Client(
                client_id=secrets.token_hex(10),
                department_id=demo.department,
                case_manager_id=demo.username,
                first_name=first,
                last_name=last,
                phone=phone,
                language="es" if rng.random() < 0.2 else "en",
                id_number=f"{100200 + made}",  # the court export's offender number
                unread_count=unread,
                last_contact_at=history[-1][0] if history else None,
            )
            clients.add(client)
            for at, direction, body in history:
                conversations.add(
                    ConversationEntry(
                        client_id=client.client_id,
                        entry_id=new_entry_id(),
                        at=at,
                        kind=EntryKind.TEXT,
                        body=body,
                        direction=direction,
                        phone=phone,
                        status="received" if direction is Direction.INBOUND else "delivered",
                        author_id="" if direction is Direction.INBOUND else demo.username,
                    )
                )
            if unread_state is not None and client.unread_count:
                supervisors = [
                    u.username
                    for u in DEMO_USERS
                    if u.department == demo.department and u.role is Role.SUPERVISOR
                ]
                for reader in (demo.username, *supervisors):
                    unread_state.put(
                        reader,
                        client.client_id,
                        demo.department,
                        Unread(client.client_id, client.unread_count, history[-1][0]),
                    )
            made += 1
    _retired_demo_client(clients, next(numbers), now)
    return made


def _retired_demo_client(clients: ClientStore, phone: str, now: datetime) -> None:
    """One closed case on Kristina's caseload, so "Retired clients" has someone to show."""
    from chalicelib.domain.conversation import marker
    from chalicelib.domain.retirement import Retirement, RetireReason

    casey = clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Casey", "Closed", phone)
    )
    clients.retire(
        casey,
        Retirement(now, RetireReason.CASE_CLOSED, "kristina", "Supervision completed"),
        marker(casey.client_id, "retired", "Retired by Kristina Alvarez: Case closed."),
        {"reason": RetireReason.CASE_CLOSED.value, "note": "Supervision completed"},
    )


def _history(rng: random.Random, now: datetime) -> list[tuple[datetime, Direction, str]]:
    at = now - timedelta(days=rng.randint(2, 40), minutes=rng.randint(0, 600))
    entries = []
    for turn in range(rng.randint(2, 6)):
        direction = Direction.OUTBOUND if turn % 2 == 0 else Direction.INBOUND
        body = rng.choice(OUTBOUND if direction is Direction.OUTBOUND else INBOUND)
        entries.append((at, direction, body))
        at += timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
    return [e for e in entries if e[0] < now]


def create_appointments(
    clients: ClientStore,
    appointments: AppointmentStore,
    texts: DepartmentTextsStore,
    jurisdiction: Jurisdiction,
    now: datetime | None = None,
) -> int:
    """A court date next week for Michael Tran (its reminders go out as the sweep finds them
    due) and a treatment class yesterday that still needs its outcome."""
    from chalicelib.config import reminder_minutes_per_day
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.services.appointments import create, department_texts
    from chalicelib.store.appointments import AppointmentChange

    now = now or datetime.now(UTC)
    zone = jurisdiction.zone
    caseload = {c.first_name: c for c in clients.caseload("kristina")}
    michael = caseload["Michael"]
    court_day = (now.astimezone(zone) + timedelta(days=8)).date()
    court = Appointment(
        client_id=michael.client_id,
        appointment_id=secrets.token_hex(12),
        department_id=michael.department_id,
        case_manager_id=michael.case_manager_id,
        kind=Kind.COURT,
        starts_at=datetime.combine(court_day, time(9, 30), tzinfo=zone).astimezone(UTC),
        place="Matheson Courthouse, Room W43",
        notes="Arraignment; public defender assigned",
    )
    department = department_texts(
        texts, jurisdiction, michael.department_id, reminder_minutes_per_day()
    )
    create(appointments, michael, court, department, "kristina", now)
    other = next(c for c in caseload.values() if c.client_id != michael.client_id)
    class_day = (now.astimezone(zone) - timedelta(days=1)).date()
    past = Appointment(
        client_id=other.client_id,
        appointment_id=secrets.token_hex(12),
        department_id=other.department_id,
        case_manager_id=other.case_manager_id,
        kind=Kind.TREATMENT,
        starts_at=datetime.combine(class_day, time(18, 0), tzinfo=zone).astimezone(UTC),
        place="Valley Behavioral Health, 2nd floor",
    )
    appointments.apply(AppointmentChange(past, "kristina", "appointment_add", new=True))
    return 2


def create_saved_replies(replies: SavedReplyStore) -> int:
    """Probation's department replies (one with a Spanish wording) and one of Kristina's
    own, so the compose box's "Saved replies" has something to insert."""
    from chalicelib.domain.saved_replies import SavedReply, Scope

    made = [
        SavedReply(
            "de00000000000001",
            Scope.DEPARTMENT,
            "",
            "Office closed Monday",
            "Hi {first_name}, the office is closed Monday. Your check-in moves to Tuesday, "
            "same time. {case_manager}",
            "Hola {first_name}, la oficina cierra el lunes. Su cita de reporte pasa al "
            "martes, a la misma hora. {case_manager}",
        ),
        SavedReply(
            "de00000000000002",
            Scope.DEPARTMENT,
            "",
            "Bring your paystub",
            "Please bring your latest paystub to your next appointment.",
        ),
        SavedReply(
            "ce00000000000001",
            Scope.MINE,
            "kristina",
            "Running late?",
            "Hi {first_name}, are you running late? Text me back when you can.",
            "Hola {first_name}, ¿va a llegar tarde? Escríbame cuando pueda.",
        ),
    ]
    for reply in made:
        actor = reply.owner_id or "dana"
        replies.save("probation", reply, actor)
    return len(made)


def create_groups(clients: ClientStore, groups: GroupStore) -> int:
    """Kristina's "Thursday class": five of her clients, to try a mass text on."""
    from chalicelib.domain.groups import Group
    from chalicelib.store.groups import new_group_id

    members = frozenset(c.client_id for c in clients.caseload("kristina")[:5])
    groups.create(
        Group(new_group_id(False), "probation", "kristina", "Thursday class", members),
        "kristina",
    )
    return len(members)


# --- the department dashboard and its weekly e-mail (issue 21, items 1 and 2) ---------


def create_dashboard_history(stores: Any, jurisdiction: Jurisdiction, now: datetime) -> int:
    """Count the seeded texts as the ``count-dashboard`` stream reader would have (they are
    written before the stack follows its streams), with a few answers to reminders and
    outcomes, so the demo supervisors' dashboards show the last weeks; Dana gets the
    weekly e-mail. Seeded texts carry no Twilio id; here each sent one is given one, as
    Twilio would have. Returns how many events were counted."""
    from dataclasses import replace

    from chalicelib.domain.conversation import marker
    from chalicelib.services.dashboard_rollup import roll_up
    from chalicelib.store.conversations import to_row

    rng = random.Random(21)
    entries: list[ConversationEntry] = []
    for department in ("probation", "pretrial"):
        for client in stores.clients.department(department):
            texts, _ = stores.conversations.newest(client.client_id)
            for entry in texts:
                sid = "SMseed" + entry.entry_id if entry.direction is Direction.OUTBOUND else ""
                entries.append(replace(entry, sid=sid or entry.sid))
            if texts and rng.random() < 0.5:
                at = texts[0].at + timedelta(hours=2)
                answer = "confirm" if rng.random() < 0.7 else "reschedule"
                entries.append(
                    replace(
                        marker(
                            client.client_id, "appointment_answer", "", details={"answer": answer}
                        ),
                        at=at,
                    )
                )
                outcome = "attended" if rng.random() < 0.8 else "missed"
                entries.append(
                    replace(
                        marker(
                            client.client_id,
                            "appointment_outcome",
                            "",
                            details={"outcome": outcome},
                        ),
                        at=at + timedelta(days=1),
                    )
                )
    records = [
        {
            "eventName": "INSERT",
            "eventSourceARN": "arn:aws:dynamodb:local:0:table/conversations/stream/seed",
            "dynamodb": {"NewImage": to_row(e).serialize()},
        }
        for e in entries
        if e.at < now
    ]
    counted = roll_up(
        records, stores.dashboard_counts, stores.clients, stores.users, jurisdiction.zone, now
    )
    stores.dashboard_counts.set_weekly("probation", "dana", True)
    return counted


def mail_last_week(
    stores: Any, mail: Any, jurisdiction: Jurisdiction, app_url: str, now: datetime
) -> int:
    """Dana's weekly e-mail of last week, to moto's SES, as Monday morning's run sends it
    (once: a Monday run of the local stack finds it claimed)."""
    from chalicelib.services.weekly_email import WEEKLY_HOUR, send_weekly_emails

    local = now.astimezone(jurisdiction.zone)
    monday = datetime.combine(
        local.date() - timedelta(days=local.weekday()), time(WEEKLY_HOUR), local.tzinfo
    )
    return send_weekly_emails(
        stores.dashboard_counts, stores.users, mail, jurisdiction, app_url, monday
    )
