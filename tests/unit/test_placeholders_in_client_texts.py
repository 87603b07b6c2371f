"""One parser for every user-written text with placeholders."""

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.placeholders import CLIENT_PLACEHOLDERS, fill, used

VALUES = {"first_name": "Ana  María", "last_name": "Ruiz", "case_manager": "Kristina"}


def test_each_placeholder_is_filled_and_runs_of_spaces_in_a_value_become_one():
    assert fill("Hi {first_name} {last_name}, {case_manager} here.", VALUES) == (
        "Hi Ana María Ruiz, Kristina here."
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "Hi {name}",
            "{name} is not a placeholder. Use {first_name}, {last_name}, {case_manager}.",
        ),
        ("Hi {0.__class__}", "{0.__class__} is not a placeholder."),
        ("Hi {first_name", "The '{' has no partner."),
        ("Hi first_name}", "The '}' has no partner."),
    ],
)
def test_anything_else_in_braces_is_refused_with_what_to_fix(text, said):
    with pytest.raises(ValidationFailed) as refused:
        fill(text, VALUES, field="body")
    assert refused.value.field_errors["body"].startswith(said)


def test_used_names_the_placeholders_a_text_needs():
    assert used("{first_name}, see {case_manager}", CLIENT_PLACEHOLDERS, "body") == {
        "first_name",
        "case_manager",
    }
