"""Dana edits her department's reminder texts: the standard wording until she changes it,
a preview before saving, every refusal with what she typed kept, and new reminders in her
words. Case managers are refused; Priya edits only her own department's texts."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from tests.aws_calls import writes
from tests.helpers import WebVisitor, csrf_in, page_text

DEPARTMENTS = ("probation", "pretrial")
OURS = (
    "Hi {first_name}, reminder: your {kind} is {date} at {time}, {place}. "
    "Reply Y to confirm or N if you can't make it."
)
DANAS = "{first_name}: {kind} on {date} at {time}, {place}. Probation office. Reply Y or N."


@pytest.fixture()
def texts(stores):
    """Each test starts from the standard wording; what the departments had is put back
    afterwards, since the stack (and test_appointments' reminders) is shared."""
    store = stores.department_texts
    kept = {department: store.get(department)[0] for department in DEPARTMENTS}
    for department in DEPARTMENTS:
        put(store, department, {})
    yield store
    for department, flat in kept.items():
        put(store, department, flat)


def put(store, department: str, flat: dict) -> None:
    _, version = store.get(department)
    assert store.save(department, flat, version, "test")


def boxes(page: str) -> dict[str, str]:
    """Every template box on the page: field name → what it holds."""
    found = re.findall(
        r'<textarea id="text-[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    )
    return {name: html.unescape(value) for name, value in found}


def the_form(page: str, action: str = "save", **typed: str) -> dict[str, str]:
    """The editor as posted: every box as shown, ``typed`` over it (``en_reminder`` names
    the box ``en-reminder``)."""
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "no version on the page"
    changes = {name.replace("_", "-", 1): text for name, text in typed.items()}
    return {**boxes(page), **changes, "version": version.group(1), "action": action}


def open_editor(visitor) -> str:
    response = visitor.get("/reminder-texts")
    assert response.status_code == 200, response.body[:300]
    return response.body.decode()


def test_a_supervisor_sees_the_standard_texts_each_with_a_preview(web, texts):
    web.sign_in("dana")
    page = open_editor(web)
    assert 'href="/reminder-texts">Reminder texts</a>' in page
    assert boxes(page)["en-reminder"] == OURS
    assert len(boxes(page)) == 10  # English and Spanish, five purposes each
    shown = page_text(web.get("/reminder-texts"))
    assert '<label for="text-es-reminder">Spanish — reminder</label>' in shown
    assert (
        'Maria would read:</strong> <span class="text-body">Hi Maria, reminder: your court date'
        in shown
    )
    assert "Matheson Courthouse, Room W43" in shown
    assert "(1 segment, GSM-7)" in shown
    assert all(f"{{{name}}}" in shown for name in ("first_name", "kind", "date", "time", "place"))


def test_a_saved_english_reminder_is_what_new_reminders_say(web, texts, stores):
    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.domain.clients import Client
    from chalicelib.domain.reminder_texts import Purpose
    from chalicelib.services.appointments import department_texts

    web.sign_in("dana")
    saved = web.post("/reminder-texts", the_form(open_editor(web), en_reminder=DANAS))
    assert saved.status_code == 303
    assert saved.headers["Location"] == "/reminder-texts?saved=1"
    page = page_text(web.get(saved.headers["Location"]))
    assert "Reminder texts saved." in page
    assert texts.get("probation")[0] == {"en:reminder": DANAS}  # the rest are ours: not stored

    ana = Client("c1", "probation", "kristina", "Ana", "Lopez", "+18015550199")
    rosa = Client("c2", "probation", "kristina", "Rosa", "Diaz", "+18015550198", language="es")
    court = Appointment(
        "c1",
        "a1",
        "probation",
        "kristina",
        Kind.COURT,
        datetime(2031, 6, 10, 16, 0, tzinfo=UTC),
        place="Room W43",
    )
    reminders = department_texts(texts, get_jurisdiction(), "probation")
    assert reminders.render(Purpose.REMINDER, court, ana) == (
        "Ana: court date on Tue Jun 10 at 10:00 AM, Room W43. Probation office. Reply Y or N."
    )
    assert reminders.render(Purpose.REMINDER, court, rosa).startswith("Hola Rosa, recordatorio")

    blank = web.post("/reminder-texts", the_form(web.last_page, en_reminder="  "))
    assert blank.status_code == 303
    assert texts.get("probation")[0] == {}  # a blank box goes back to ours


def test_unknown_placeholders_are_refused_together_with_the_typed_text_kept(web, texts):
    web.sign_in("dana")
    page = open_editor(web)
    foo = "Hi {foo}, see you {date} at {time}."
    sneaky = "Hola {0.__class__}, el {date}."
    with writes() as written:
        refused = web.post("/reminder-texts", the_form(page, en_reminder=foo, es_cancelled=sneaky))
    assert written == []
    assert refused.status_code == 400
    shown = page_text(refused)
    assert "{foo} is not a placeholder" in shown
    assert "{0.__class__} is not a placeholder" in shown
    assert boxes(refused.body.decode())["en-reminder"] == foo
    assert boxes(refused.body.decode())["es-cancelled"] == sneaky
    assert 'aria-invalid="true"' in refused.body.decode()


def test_preview_shows_what_was_typed_and_saves_nothing(web, texts):
    web.sign_in("dana")
    page = open_editor(web)
    typed = "Gracias {first_name}, hasta el {date} a las {time}."
    with writes() as written:
        shown = web.post("/reminder-texts", the_form(page, "preview", es_thanks=typed))
    assert written == []
    assert shown.status_code == 200
    assert boxes(shown.body.decode())["es-thanks"] == typed
    assert "Preview only: nothing is saved" in page_text(shown)
    assert re.search(r"Maria would read:.*Gracias Maria, hasta el (lun|mar) ", page_text(shown))


def test_html_in_a_template_is_shown_escaped(web, texts):
    web.sign_in("dana")
    marked = "<b>{first_name}</b> <script>alert(1)</script> {date} {time}"
    saved = web.post("/reminder-texts", the_form(open_editor(web), en_reminder=marked))
    assert saved.status_code == 303
    page = open_editor(web)
    assert "<script>alert(1)" not in page and "<b>" not in page
    assert "&lt;b&gt;Maria&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert boxes(page)["en-reminder"] == marked


def test_a_save_over_someone_elses_newer_save_is_refused_with_409(web, http, texts):
    web.sign_in("dana")
    page = open_editor(web)
    other = WebVisitor(http).sign_in("dana")  # Dana on another computer
    theirs = "{first_name}, court {date} {time}. Other computer."
    assert (
        other.post("/reminder-texts", the_form(open_editor(other), en_reminder=theirs)).status_code
        == 303
    )

    refused = web.post("/reminder-texts", the_form(page, en_reminder=DANAS))
    assert refused.status_code == 409
    assert "Someone saved the reminder texts after you opened this page" in page_text(refused)
    assert "Saved now by someone else:" in page_text(refused)
    assert boxes(refused.body.decode())["en-reminder"] == DANAS
    assert texts.get("probation")[0] == {"en:reminder": theirs}

    again = web.post("/reminder-texts", the_form(refused.body.decode()))  # deliberately
    assert again.status_code == 303
    assert texts.get("probation")[0] == {"en:reminder": DANAS}


def test_case_managers_are_refused_and_change_nothing(web, texts):
    web.sign_in("kristina")
    caseload = web.get("/caseload").body.decode()
    assert 'href="/reminder-texts"' not in caseload
    token = csrf_in(caseload)  # a refusal page has no form to take one from
    with writes() as written:
        assert web.get("/reminder-texts").status_code == 403
        form = {"version": "0", "en-reminder": DANAS}
        for action in ("save", "preview"):
            refused = web.post("/reminder-texts", {**form, "action": action}, csrf=token)
            assert refused.status_code == 403
            assert "Only a supervisor" in page_text(refused)
    assert written == []


def test_a_supervisor_edits_only_her_own_departments_texts(web, texts):
    web.sign_in("priya")
    page = open_editor(web)
    hers = "{first_name}, pretrial check-in {date} {time}."
    form = {**the_form(page, en_reminder=hers), "department_id": "probation"}  # ignored
    assert web.post("/reminder-texts", form).status_code == 303
    assert texts.get("pretrial")[0] == {"en:reminder": hers}
    assert texts.get("probation")[0] == {}
    web.sign_in("dana")
    assert boxes(open_editor(web))["en-reminder"] == OURS
