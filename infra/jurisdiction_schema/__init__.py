"""The jurisdiction file's schema: what each setting is, and every mistake in a file.

Build time only (packaging, ops scripts, editors): the app parses its JSON itself, cheaply,
in ``chalicelib/domain/jurisdiction.py``, and the Lambda zip carries no pydantic.
"""

from .backups import backup_report, backups_of
from .check import problems
from .model import REQUIRED_FOR_DEPLOY, JurisdictionFile
from .problems import expected_at, merged
from .retention import retention_report
from .texts import text_report

__all__ = [
    "REQUIRED_FOR_DEPLOY",
    "JurisdictionFile",
    "backup_report",
    "backups_of",
    "expected_at",
    "merged",
    "problems",
    "retention_report",
    "text_report",
]
