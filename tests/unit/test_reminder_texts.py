"""Reminder templates: placeholders filled without evaluating anything, texts kept short."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.reminder_texts import (
    DEFAULT_TEMPLATES,
    KINDS,
    MAX_TEMPLATE,
    Purpose,
    ReminderValues,
    check_template,
    format_date,
    preview,
    render,
    template_for,
)
from chalicelib.domain.segments import count_segments, is_gsm7

DENVER = ZoneInfo("America/Denver")
MARIA = ReminderValues(
    first_name="Maria",
    kind="court",
    starts_local=datetime(2026, 12, 8, 9, 0, tzinfo=DENVER),
    place="Matheson Courthouse, Room W43",
)


def values(**changes) -> ReminderValues:
    return ReminderValues(**{**MARIA.__dict__, **changes})


def test_english_reminder():
    assert render(DEFAULT_TEMPLATES["en"][Purpose.REMINDER], MARIA, "en") == (
        "Hi Maria, reminder: your court date is Tue Dec 8 at 9:00 AM, "
        "Matheson Courthouse, Room W43. Reply Y to confirm or N if you can't make it."
    )


def test_spanish_reminder():
    assert render(DEFAULT_TEMPLATES["es"][Purpose.REMINDER], MARIA, "es") == (
        "Hola Maria, recordatorio: su cita en la corte es el mar 8 dic a las 9:00, "
        "Matheson Courthouse, Room W43. Responda SI para confirmar o NO si no puede asistir."
    )


@pytest.mark.parametrize(
    ("hour", "minute", "en", "es"),
    [
        (0, 5, "12:05 AM", "0:05"),
        (9, 0, "9:00 AM", "9:00"),
        (12, 0, "12:00 PM", "12:00"),
        (14, 30, "2:30 PM", "14:30"),
    ],
)
def test_times(hour, minute, en, es):
    moment = values(starts_local=datetime(2026, 12, 8, hour, minute, tzinfo=DENVER))
    assert render("{time}", moment, "en") == en
    assert render("{time}", moment, "es") == es


def test_spanish_dates_are_written_without_the_locale():
    saturday = values(starts_local=datetime(2026, 9, 5, 9, 0, tzinfo=DENVER))
    assert render("{date}", saturday, "es") == "sáb 5 sep"
    assert render("{date}", saturday, "es-MX") == "sáb 5 sep"
    assert format_date(datetime(2027, 1, 6, tzinfo=DENVER), "es") == "mié 6 ene"
    assert format_date(datetime(2027, 1, 6, tzinfo=DENVER), "en") == "Wed Jan 6"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_reads_in_both_languages(kind):
    assert render("{kind}", values(kind=kind), "en") == KINDS[kind]["en"]
    assert render("{kind}", values(kind=kind), "es") == KINDS[kind]["es"]


def test_kind_and_language_fall_back():
    assert render("{kind}", values(kind="probation-party"), "en") == "appointment"
    assert render("{kind} {date}", MARIA, "vi") == "court date Tue Dec 8"


def test_an_empty_place_reads_as_the_usual_place():
    assert render("at {time}, {place}.", values(place="  "), "en") == "at 9:00 AM, the usual place."
    assert render("{place}.", values(place=""), "es") == "el lugar de costumbre."


def test_values_are_never_evaluated():
    sneaky = values(first_name="{0.__class__}", place="{date}")
    assert render("{first_name} {place}", sneaky, "en") == "{0.__class__} {date}"


def test_times_render_in_local_wall_time_on_both_sides_of_daylight_saving():
    summer = datetime(2026, 7, 1, 15, 0, tzinfo=UTC).astimezone(DENVER)  # UTC-6
    winter = datetime(2026, 12, 1, 16, 0, tzinfo=UTC).astimezone(DENVER)  # UTC-7
    assert render("{time}", values(starts_local=summer), "en") == "9:00 AM"
    assert render("{time}", values(starts_local=winter), "en") == "9:00 AM"


def test_naive_times_are_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        values(starts_local=datetime(2026, 12, 8, 9, 0))


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("Hi {0.__class__} {date} {time}", "{0.__class__}"),
        ("Hi {foo} {date} {time}", "{foo}"),
        ("Hi {Date} {date} {time}", "{Date}"),
        ("Hi { {date} {time}", "'{'"),
        ("Hi } {date} {time}", "'}'"),
        ("Hi {{date}} {time}", "'{'"),
        ("{date} {time} {first_name", "'{'"),
    ],
)
def test_placeholders_other_than_the_five_are_refused(template, named):
    with pytest.raises(ValidationFailed) as caught:
        check_template(template, Purpose.REMINDER)
    assert named in caught.value.field_errors["template"]
    with pytest.raises(ValidationFailed):
        render(template, MARIA, "en")


@pytest.mark.parametrize("missing", ["{date}", "{time}"])
def test_a_reminder_must_say_when(missing):
    text = "Hi {first_name}, see you {date} at {time}.".replace(missing, "soon")
    with pytest.raises(ValidationFailed) as caught:
        check_template(text, Purpose.REMINDER)
    assert missing in caught.value.field_errors["template"]
    assert check_template(text, Purpose.THANKS) == text


def test_empty_and_long_templates_are_refused():
    for empty in ("", "   "):
        with pytest.raises(ValidationFailed):
            check_template(empty, Purpose.THANKS)
    with pytest.raises(ValidationFailed) as caught:
        check_template("{date} {time}" + "x" * MAX_TEMPLATE, Purpose.REMINDER)
    assert str(MAX_TEMPLATE) in caught.value.field_errors["template"]


def test_check_template_returns_the_stripped_text():
    assert check_template("  Hi {first_name}, {date} {time}\n", Purpose.REMINDER) == (
        "Hi {first_name}, {date} {time}"
    )


@pytest.mark.parametrize("language", sorted(DEFAULT_TEMPLATES))
@pytest.mark.parametrize("purpose", list(Purpose))
def test_defaults_pass_their_own_check(language, purpose):
    template = DEFAULT_TEMPLATES[language][purpose]
    assert check_template(template, purpose) == template


@pytest.mark.parametrize("purpose", list(Purpose))
def test_english_defaults_fit_one_gsm7_segment(purpose):
    text = render(DEFAULT_TEMPLATES["en"][purpose], MARIA, "en")
    assert is_gsm7(text)
    assert len(text) < 160
    assert count_segments(text) == 1


@pytest.mark.parametrize("purpose", list(Purpose))
def test_spanish_defaults_are_reported(purpose):
    """Reported, not required: correct Spanish comes first (Saturday is "sáb")."""
    result = preview(DEFAULT_TEMPLATES["es"][purpose], MARIA, "es")
    if not result.gsm7 or result.segments > 1:
        print(f"es {purpose}: {result.segments} segments, gsm7={result.gsm7}: {result.text}")
    assert result.segments <= 3


def test_preview_counts_segments():
    short = preview("Hi {first_name}, {date} {time}", MARIA, "en")
    assert (short.text, short.segments, short.gsm7) == ("Hi Maria, Tue Dec 8 9:00 AM", 1, True)
    long = preview("x" * 150 + " {date} {time}", MARIA, "en")
    assert (long.segments, long.gsm7) == (2, True)
    emoji = preview("👋 {first_name} {date} {time}", MARIA, "en")
    assert (emoji.segments, emoji.gsm7) == (1, False)
    saturday = values(starts_local=datetime(2026, 9, 5, 9, 0, tzinfo=DENVER))
    assert preview("{date}", saturday, "es").gsm7 is False


def test_template_for_prefers_the_departments_own_words():
    custom = {"en": {"reminder": "Court soon: {date} {time}"}, "es": {"thanks": "  "}}
    assert template_for(custom, "en", Purpose.REMINDER) == "Court soon: {date} {time}"
    assert template_for(custom, "en", Purpose.THANKS) == DEFAULT_TEMPLATES["en"][Purpose.THANKS]
    assert template_for(custom, "es", Purpose.THANKS) == DEFAULT_TEMPLATES["es"][Purpose.THANKS]
    assert template_for(None, "es", Purpose.REMINDER) == DEFAULT_TEMPLATES["es"][Purpose.REMINDER]


def test_a_language_without_templates_gets_english():
    assert template_for(None, "vi", Purpose.CANCELLED) == DEFAULT_TEMPLATES["en"][Purpose.CANCELLED]
    custom = {"en": {"cancelled": "Cancelled: {date}"}}
    assert template_for(custom, "vi", Purpose.CANCELLED) == "Cancelled: {date}"
    assert template_for({}, "", Purpose.THANKS) == DEFAULT_TEMPLATES["en"][Purpose.THANKS]
