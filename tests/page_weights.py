"""What a first view of a page costs to download: its HTML plus every stylesheet, icon and
script it loads (ES module imports followed), each raw and gzip-compressed.

Shared by bench/page_weight.py (prints the numbers) and
tests/integration/test_page_weights.py (holds the budgets), so both count the same bytes.
Files are fetched through the app itself (the Chalice test client), as the browser would
fetch them, so a page that names a file it does not serve fails here too.
"""

from __future__ import annotations

import gzip
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urljoin

# The level the local gateway compresses at, standing for API Gateway's (not published).
from infra.local.compression import GZIP_LEVEL

# Issue 23's budgets, compressed bytes including CSS and JS.
CONVERSATION_BUDGET = 100 * 1024
CASELOAD_BUDGET = 60 * 1024
CASELOAD_SIZE = 110

# What the head and the modules name: <link href>, <script src>, and import specifiers.
_HEAD_REFERENCE = re.compile(
    r'<(?:link|script)\b[^>]*?\b(?:href|src)="(/[^"]*static/[^"]+)"', re.IGNORECASE
)
_IMPORT = re.compile(r'^\s*(?:import|export)\b[^"\'`;]*?\bfrom\s*["\']([^"\']+)["\']', re.M)
_BARE_IMPORT = re.compile(r'^\s*import\s*["\']([^"\']+)["\']', re.M)


@dataclass(frozen=True)
class Download:
    path: str
    raw: int
    compressed: int


@dataclass
class PageWeight:
    page: str
    downloads: list[Download] = field(default_factory=list)

    @property
    def raw(self) -> int:
        return sum(d.raw for d in self.downloads)

    @property
    def compressed(self) -> int:
        return sum(d.compressed for d in self.downloads)

    def of_kind(self, ending: str) -> list[Download]:
        return [d for d in self.downloads if d.path.split("?")[0].endswith(ending)]


def compressed_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))


def imports_of(script: str) -> list[str]:
    """The module specifiers a script imports statically (dynamic imports are not part of
    a first view)."""
    return _IMPORT.findall(script) + _BARE_IMPORT.findall(script)


def static_references(page: str) -> list[str]:
    """Every static file the page's markup names, in order, once each."""
    return list(dict.fromkeys(_HEAD_REFERENCE.findall(page)))


def weigh(visitor: Any, path: str) -> PageWeight:
    """The page at ``path`` as ``visitor`` sees it, and everything its first view loads."""
    response = visitor.get(path)
    assert response.status_code == 200, (path, response.status_code)
    weight = PageWeight(path)
    weight.downloads.append(_download(path, response.body))
    seen: set[str] = set()
    for asset in _assets(visitor, static_references(response.body.decode()), seen):
        weight.downloads.append(asset)
    return weight


def _assets(visitor: Any, paths: list[str], seen: set[str]) -> Iterator[Download]:
    for path in paths:
        if path in seen:
            continue
        seen.add(path)
        answer = visitor.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        yield _download(path, answer.body)
        if path.endswith(".js"):
            found = [urljoin(path, spec) for spec in imports_of(answer.body.decode())]
            yield from _assets(visitor, found, seen)


def _download(path: str, body: bytes) -> Download:
    return Download(path, len(body), compressed_size(body))


def report(weight: PageWeight, budget: int) -> str:
    """Lines a person reads: totals, by kind, and the ratio of the budget."""
    kinds = [("HTML", weight.downloads[:1])] + [
        (name, weight.of_kind(ending)) for name, ending in (("CSS", ".css"), ("JS", ".js"))
    ]
    lines = [
        f"{weight.page}: {len(weight.downloads)} files, {weight.raw / 1024:.1f} KB raw, "
        f"{weight.compressed / 1024:.1f} KB gzip = {weight.compressed / budget:.2f} of the "
        f"{budget // 1024} KB budget"
    ]
    for name, files in kinds:
        raw, packed = sum(d.raw for d in files), sum(d.compressed for d in files)
        sizes = f"{raw / 1024:6.1f} KB raw {packed / 1024:5.1f} KB gzip"
        lines.append(f"  {name:<4} {len(files):2d} files {sizes}")
    return "\n".join(lines)


# ---- the content measured: a busy conversation, a caseload of 110 ----------------------

INBOUND = (
    "ok",
    "Running late, be there in 10",
    "Can we move Thursday? I picked up an extra shift at the warehouse and they won't let "
    "me swap it. Friday or Monday morning works.",
    "yes",
    "Got the letter from the court. It says the hearing moved to the 14th, is that right? "
    "Do I still need to bring the treatment paperwork or do you already have it?",
    "thanks 👍",
    "My phone was off, sorry. I did call the counselor and she said the group starts again "
    "next week.",
    "What time again?",
)
OUTBOUND = (
    "Reminder: check-in tomorrow at 10:00 at the Main St office, 2nd floor.",
    "Thanks for letting me know.",
    "Friday at 9:30 works. Bring your pay stubs from the last month and the sign-in sheet "
    "from group, please. If anything changes, text me here before 8.",
    "Yes, the 14th at 8:30 AM, courtroom W43. Bring the treatment paperwork; I have a copy "
    "but the judge likes to see the original.",
    "See you then.",
    "Did you get a chance to call the counselor about the new group schedule?",
    "Good news: the UA from Monday came back clean. Keep it up.",
)


def conversation_client(stores: Any, owner: str, phone: str, now: datetime) -> str:
    """A client of ``owner`` with a screenful of history: 30 texts of varied length both
    ways, a court date with its reminders, a past appointment and two scheduled texts."""
    from chalicelib.config import get_jurisdiction, reminder_minutes_per_day
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.domain.clients import Client
    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
    from chalicelib.domain.scheduling import ScheduledText
    from chalicelib.services.appointments import create, department_texts
    from chalicelib.store.appointments import AppointmentChange

    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", owner, "Dana", "Okafor", phone)
    )
    start = now - timedelta(days=20)
    for i in range(30):
        inbound = i % 3 != 0
        pool = INBOUND if inbound else OUTBOUND
        stores.conversations.add(
            ConversationEntry(
                client.client_id,
                f"{i:032x}",
                start + timedelta(hours=13 * i, minutes=7 * i),
                EntryKind.TEXT,
                body=pool[i % len(pool)],
                direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                phone=phone,
                status="received" if inbound else "delivered",
                author_id="" if inbound else owner,
                sentiment=0.2 if inbound else None,
                sid=f"SM{secrets.token_hex(16)}",
                segments=1,
            )
        )
    zone = get_jurisdiction().zone
    court = Appointment(
        client_id=client.client_id,
        appointment_id=secrets.token_hex(12),
        department_id=client.department_id,
        case_manager_id=owner,
        kind=Kind.COURT,
        starts_at=datetime.combine(
            (now.astimezone(zone) + timedelta(days=9)).date(), time(8, 30), tzinfo=zone
        ).astimezone(UTC),
        place="Matheson Courthouse, Room W43",
        notes="Review hearing; bring treatment paperwork",
    )
    texts = department_texts(
        stores.department_texts, get_jurisdiction(), "probation", reminder_minutes_per_day()
    )
    create(stores.appointments, client, court, texts, owner, now)
    past = Appointment(
        client_id=client.client_id,
        appointment_id=secrets.token_hex(12),
        department_id=client.department_id,
        case_manager_id=owner,
        kind=Kind.TREATMENT,
        starts_at=now - timedelta(days=2),
        place="Valley Behavioral Health, 2nd floor",
    )
    stores.appointments.apply(AppointmentChange(past, owner, "appointment_add", new=True))
    for days, body in ((3, OUTBOUND[0]), (6, OUTBOUND[5])):
        stores.scheduled.add(
            ScheduledText(
                client_id=client.client_id,
                scheduled_id=secrets.token_hex(16),
                department_id=client.department_id,
                case_manager_id=owner,
                author_id=owner,
                body=body,
                send_at=now + timedelta(days=days),
            )
        )
    return str(client.client_id)


def caseload_of(
    stores: Any, owner: str, phones: Iterator[str], now: datetime, size: int = CASELOAD_SIZE
) -> None:
    """``size`` clients of ``owner``, every other one with a recent text, a few unread."""
    from chalicelib.domain.clients import Client

    names = ("Alvarez", "Nguyen", "Okafor", "Smith", "Begay", "Johansson", "Martínez", "Lee")
    for i in range(size):
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                "probation",
                owner,
                f"Client{i:03d}",
                names[i % len(names)],
                next(phones),
                id_number=str(700000 + i),
                unread_count=1 if i % 9 == 0 else 0,
                last_contact_at=now - timedelta(hours=5 * i) if i % 2 else None,
                scheduled_count=1 if i % 7 == 0 else 0,
            )
        )
