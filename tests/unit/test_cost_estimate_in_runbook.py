"""The runbook's monthly cost table is what ``bench/monthly_cost.py`` prints, so changing an
assumption or a price there and forgetting the docs (or the other way round) fails here."""

from __future__ import annotations

import importlib.util
import sys

from tests.helpers import ROOT


def test_the_runbooks_cost_table_is_what_the_estimate_prints():
    path = ROOT / "bench" / "monthly_cost.py"
    spec = importlib.util.spec_from_file_location("monthly_cost", path)
    assert spec is not None and spec.loader is not None
    estimate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = estimate  # its dataclass looks its module up
    spec.loader.exec_module(estimate)
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert estimate.table(estimate.estimate()) in doc
