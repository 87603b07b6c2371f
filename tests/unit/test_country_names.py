"""Countries are named in messages from our own table, as phonenumbers' geocoder names
them, so the app needs no geocoder data (phonenumberslite ships none)."""

from __future__ import annotations

import pytest

from chalicelib.domain.client_numbers import country_name
from chalicelib.domain.country_names import NAMES

# Regions the geocoder gave no name of its own when the table was written from it
# (phonenumbers 9.0.43): their messages show the code.
UNNAMED = {"AC", "BL", "EH", "MF", "TA", "XK"}


def test_every_region_phonenumbers_knows_has_a_name_or_is_known_to_have_none():
    """The table was written from the full phonenumbers' geocoder; the app ships
    phonenumberslite, so a region added by a later release shows up here."""
    import phonenumbers

    assert phonenumbers.SUPPORTED_REGIONS - set(NAMES) == UNNAMED
    assert all(name and name != region for region, name in NAMES.items())


def test_the_table_names_only_regions_phonenumbers_knows():
    import phonenumbers

    assert set(NAMES) <= phonenumbers.SUPPORTED_REGIONS


@pytest.mark.parametrize(
    ("region", "name"), [("US", "United States"), ("CA", "Canada"), ("MX", "Mexico")]
)
def test_the_countries_a_department_texts_most_have_their_names(region, name):
    assert country_name(region) == name


def test_a_region_without_a_name_is_shown_as_its_code():
    assert country_name("XK") == "XK"
    assert country_name("ZZ") == "ZZ"
