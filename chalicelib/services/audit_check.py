"""Is a department's audit trail intact? Each of its subjects' chains is read back and
checked link by link (``domain/audit_chain.py``); the first broken link of each is named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..domain.audit_chain import Broken, Chain, first_break, still_linking


class ChainReader(Protocol):
    def chain(self, subject: str) -> Chain: ...

    def department_subjects(self, department_id: str) -> Iterable[str]: ...


@dataclass
class TrailReport:
    """What the check found: subjects, rows and links read, broken links, rows from before
    the chain (written before release 0.21.0) and rows still being linked (written less
    than a few minutes ago: ``chain-audit`` links them from the stream)."""

    subjects: int = 0
    rows: int = 0
    links: int = 0
    unchained: int = 0
    linking: int = 0
    broken: list[Broken] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.broken


def check_department(department_id: str, chains: ChainReader, now: datetime) -> TrailReport:
    report = TrailReport()
    for subject in dict.fromkeys(chains.department_subjects(department_id)):
        chain = chains.chain(subject)
        report.subjects += 1
        report.rows += len(chain.rows)
        report.links += len(chain.links)
        report.unchained += chain.unchained
        report.linking += still_linking([chain], now)
        broken = first_break(chain, now)
        if broken is not None:
            report.broken.append(broken)
    return report
