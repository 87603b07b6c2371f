"""docs/operations.md describes every resource the packaged template makes.

A resource added to the template (by Chalice, by the merge template, or by a new model)
fails this until its logical id is named, with what it is for, in the runbook's
"Every resource the template makes".
"""

from __future__ import annotations

from tests.helpers import ROOT

SECTION = "## Every resource the template makes"


def resource_section() -> str:
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    start = doc.index(SECTION)
    end = doc.find("\n## ", start + len(SECTION))
    return doc[start : end if end != -1 else len(doc)]


def test_every_resource_of_every_example_template_is_named_in_the_runbook(templates):
    section = resource_section()
    missing = {
        name: sorted(rid for rid in template["Resources"] if f"`{rid}`" not in section)
        for name, template in templates.items()
    }
    assert not any(missing.values()), f"describe these in docs/operations.md: {missing}"


def test_the_runbook_names_no_resource_the_templates_do_not_make(templates):
    """A renamed or removed resource is taken out of the list too."""
    import re

    rows = [line for line in resource_section().splitlines() if line.startswith("| `")]
    named = {rid for row in rows for rid in re.findall(r"`([A-Za-z0-9]+)`", row.split(" | ")[0])}
    made = set().union(*(set(t["Resources"]) for t in templates.values()))
    assert named - made == set()
