"""Whatever a jurisdiction file holds, the check answers with problems by path, never with a
traceback: any setting, at any depth, replaced by any JSON value."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.config_loader import JURISDICTIONS_DIR
from infra.jurisdiction_schema import problems

SALT_LAKE = json.loads((JURISDICTIONS_DIR / "salt-lake-county.json").read_text(encoding="utf-8"))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["EST", "America/Denver", "", "/etc/localtime", "America/../UTC", "%d", "{x}", "ON"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(node: Any, at: tuple = ()) -> list[tuple]:
    """Every place in the document a value sits."""
    found = [at] if at else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += paths(value, (*at, i))
    return found


PLACES = paths(SALT_LAKE)


def replaced(at: tuple, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(SALT_LAKE)
    holder = data
    for part in at[:-1]:
        holder = holder[part]
    holder[at[-1]] = value
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PLACES), json_values)
def test_any_value_anywhere_is_reported_by_path_not_raised(at, value):
    found = problems(replaced(at, value))
    assert all(isinstance(path, str) and message for path, message in found.items())


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=25), json_values, max_size=6))
def test_any_object_is_reported_by_path_not_raised(data):
    found = problems(data)
    assert found and all(isinstance(path, str) and message for path, message in found.items())
