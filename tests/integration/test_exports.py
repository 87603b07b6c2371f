"""Exports of clients with any name download safely; CSV cells cannot smuggle formulas."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest

from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from tests.helpers import fresh_phone

# reads the clock, but texts a day old: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


def add_client(visitor, first: str, last: str, phone: str | None = None) -> str:
    visitor.get("/clients/new")
    made = visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone or fresh_phone()}
    )
    assert made.status_code == 303, made.body[:400]
    return made.headers["Location"].split("/")[2].split("?")[0]


def disposition_parts(header: str) -> dict[str, str]:
    """The parameters of a Content-Disposition value, split where a browser would split it."""
    parts = {}
    for name, quoted, plain in re.findall(r';\s*([\w*]+)=(?:"([^"]*)"|([^;]*))', header):
        parts[name] = quoted or plain
    return parts


@pytest.mark.parametrize(
    ("first", "last", "expected_in_fallback"),
    [
        ("Văn", "Nguyễn", "nguyen-van"),
        ("小龙", "李", "conversation"),
        ('Jo"ey', 'O"Brien; filename=evil.exe', "o_brien"),
    ],
)
def test_exports_of_any_name_download_with_an_rfc_6266_file_name(
    web, first, last, expected_in_fallback
):
    web.sign_in("kristina")
    client_id = add_client(web, first, last)
    response = web.get(f"/clients/{client_id}/export/csv")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    header.encode("ascii")  # a header that is not ASCII is what dropped the connection
    assert header.startswith("attachment;")
    parts = disposition_parts(header)
    assert set(parts) == {"filename", "filename*"}, header
    assert expected_in_fallback in parts["filename"] and parts["filename"].endswith(".csv")
    assert '"' not in parts["filename"] and ";" not in parts["filename"]
    charset, _, encoded = parts["filename*"].partition("''")
    assert charset == "UTF-8"
    assert unquote(encoded) == f"conversation-{last}-{first}.csv".lower().replace(" ", "-")


def test_csv_cells_starting_with_a_tab_or_carriage_return_are_neutralised(now, web, stores):
    """New texts are trimmed when they arrive; older stored ones may still start with either."""
    web.sign_in("kristina")
    client_id = add_client(web, "Formula", "Sender")
    start = now - timedelta(days=1)
    bodies = ("\t=1+1", "\r=HYPERLINK(x)", "=SUM(A1)", "fine")
    for i, body in enumerate(bodies):
        stores.conversations.add(
            ConversationEntry(
                client_id,
                f"{i:032x}",
                start + timedelta(minutes=i),
                EntryKind.TEXT,
                body=body,
                direction=Direction.INBOUND,
                phone="+18015550199",
            )
        )
    export = web.get(f"/clients/{client_id}/export/csv").body.decode()
    rows = list(csv.DictReader(io.StringIO(export, newline="")))
    texts = {row["text"] for row in rows if row["direction"] == "inbound"}
    assert texts == {"'\t=1+1", "'\r=HYPERLINK(x)", "'=SUM(A1)", "fine"}
