"""What the infra tests share: the examples, the extra-schedule app, template helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from infra.config_loader import available
from tests.helpers import ROOT

EXAMPLES = [name for name in available() if name != "demo"]
# No custom domain: its scheduled handler gets the execute-api URL by reference.
SCHEDULE_JURISDICTION = "multnomah-county"
EXTRA_HANDLER_ID = "ProbeSweep"
EXTRA_SCHEDULE = '''


from chalice import Rate  # noqa: E402


@app.schedule(Rate(1, unit=Rate.MINUTES))
def probe_sweep(event):
    """Stands in for the reminder sweep that app.py will declare."""
    return None
'''
FUNCTION = "AWS::Serverless::Function"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    """The template's resources of one CloudFormation type, by logical id."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def app_with_extra_schedule(target: Path) -> Path:
    """A copy of the app (what Chalice ships, plus its config) with one more scheduled handler."""
    target.mkdir(parents=True)
    for name in ("app.py", "requirements.txt"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("chalicelib", "templates", ".chalice"):
        shutil.copytree(
            ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "deploy*")
        )
    with (target / "app.py").open("a") as app_file:
        app_file.write(EXTRA_SCHEDULE)
    return target
