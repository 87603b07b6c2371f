"""``import app`` is on every cold start, a webhook's included: it registers the routes and
loads no court-file, courthouse or appointment rules, which only their pages and jobs use
(``bench/cold_start.py``; the first inbound text's own check is
tests/integration/test_first_inbound_text_loads_only_what_it_uses.py)."""

from __future__ import annotations

import os

from tests.helpers import ROOT, json_from_python

NOT_FOR_IMPORTING_THE_APP = {
    "chalicelib.domain.court_import",
    "chalicelib.domain.courthouses",
    "chalicelib.domain.appointments",
    "chalicelib.domain.scheduling",
}
LOADED = "import app, json, sys; print(json.dumps(sorted(sys.modules)))"


def test_importing_the_app_loads_no_court_file_courthouse_or_appointment_rules():
    loaded = set(json_from_python("-c", LOADED, cwd=ROOT, env=dict(os.environ), timeout=120))
    assert "chalicelib.web.courthouse_pages" in loaded  # the routes are registered
    assert loaded & NOT_FOR_IMPORTING_THE_APP == set()
