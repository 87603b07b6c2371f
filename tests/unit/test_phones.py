import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.phones import digits, display_phone, normalise_phone


@pytest.mark.parametrize(
    "typed", ["801-555-0123", "(801) 555 0123", "+1 801 555 0123", "8015550123", "  801.555.0123 "]
)
def test_numbers_written_any_usual_way_become_e164(typed):
    assert normalise_phone(typed) == "+18015550123"


@pytest.mark.parametrize("typed", ["", "555-12", "hello", "+1 801 555 01234567", "000-000-0000"])
def test_malformed_numbers_are_refused_with_a_message_naming_the_field(typed):
    with pytest.raises(ValidationFailed) as caught:
        normalise_phone(typed)
    assert list(caught.value.field_errors) == ["phone"]
    assert caught.value.field_errors["phone"]


def test_stored_numbers_are_shown_the_national_way():
    assert display_phone("+18015550123") == "(801) 555-0123"
    assert display_phone("+442071838750").startswith("+44 ")


def test_digits_keeps_only_digits():
    assert digits("(801) 555-0123") == "8015550123"
