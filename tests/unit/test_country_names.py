"""Countries are named in messages from our own table, as phonenumbers' geocoder names
them, so the app needs no geocoder data (phonenumberslite ships none)."""

from __future__ import annotations

import pytest

from chalicelib.domain.client_numbers import country_name
from chalicelib.domain.country_names import NAMES


def geocoder_name(region: str) -> str:
    import phonenumbers

    geocoder = pytest.importorskip("phonenumbers.geocoder")  # absent from phonenumberslite
    example = phonenumbers.example_number(region)
    if not phonenumbers.country_code_for_region(region) or example is None:
        return region
    return geocoder.country_name_for_number(example, "en") or region


def test_every_region_phonenumbers_knows_is_named_as_its_geocoder_names_it():
    import phonenumbers

    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        assert country_name(region) == geocoder_name(region), region


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
