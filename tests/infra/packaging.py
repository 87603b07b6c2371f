"""What the infra tests share: the examples, the extra-schedule app, template helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from infra.config_loader import JURISDICTIONS_DIR, available
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
# A jurisdiction file far beyond Lambda's 4 KB of environment: it must travel in the zip.
LARGE_JURISDICTION = "large-county"
LARGE_FILE_BYTES = 64 * 1024


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    """The template's resources of one CloudFormation type, by logical id."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def app_with_extra_schedule(target: Path) -> Path:
    """A copy of the app (what Chalice ships, plus its config) with one more scheduled handler."""
    target.mkdir(parents=True)
    for name in ("app.py", "requirements.txt", "requirements-media.txt"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("chalicelib", "templates", ".chalice"):
        shutil.copytree(
            ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "deploy*")
        )
    with (target / "app.py").open("a") as app_file:
        app_file.write(EXTRA_SCHEDULE)
    return target


def large_jurisdiction(directory: Path) -> Path:
    """``directory/large-county.json``: Multnomah County's settings with departments enough
    to pass 64 KB, valid for deployment (the tests check it against the schema)."""
    data = {
        **load(JURISDICTIONS_DIR / f"{SCHEDULE_JURISDICTION}.json"),
        "name": LARGE_JURISDICTION,
        "display_name": "Large County (a 64 KB jurisdiction file)",
        "departments": [],
    }
    number = 0
    while len(json.dumps(data).encode()) < LARGE_FILE_BYTES:
        data["departments"].append(
            {
                "id": f"unit-{number:03d}",
                "name": f"Field Office {number:03d}, Adult Probation and Parole",
                "twilio_number": f"+1503555{number:04d}",
            }
        )
        number += 1
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{LARGE_JURISDICTION}.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path
