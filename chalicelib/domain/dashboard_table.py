"""The dashboard's figures as one table (figures down, case managers across, the
department last): the page shows it and the CSV is the same table, cell for cell."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .dashboard import Figures, Tally, Totals
from .spreadsheet_cells import neutralised

FIGURE_ORDER = (
    Tally.SENT,
    Tally.RECEIVED,
    Tally.REMINDERS,
    Tally.CONFIRMED,
    Tally.RESCHEDULE,
    Tally.ATTENDED,
    Tally.MISSED,
    Tally.FAILURES,
    Tally.OPT_OUTS,
    Tally.SCHEDULED,
    Tally.MASS,
    Tally.ANSWERED,
)
CONTACTED = "Clients contacted"
MEDIAN = "Median time to answer"


@dataclass(frozen=True)
class FigureTable:
    header: list[str]  # "Figure", each case manager, "Department"
    rows: list[list[str]]  # a figure's label, then its value for each column


def _cell(totals: Totals, row: str | Tally) -> str:
    if row == CONTACTED:
        return str(totals.clients_contacted)
    if row == MEDIAN:
        return totals.median_answer or "none answered"
    assert isinstance(row, Tally)
    return str(totals.get(row))


def figure_table(found: Figures) -> FigureTable:
    columns = [p.totals for p in found.by_case_manager] + [found.department]
    header = ["Figure", *(p.name for p in found.by_case_manager), "Department"]
    order: list[str | Tally] = [Tally.SENT, Tally.RECEIVED, CONTACTED, *FIGURE_ORDER[2:], MEDIAN]
    rows = [
        [row.label if isinstance(row, Tally) else row, *(_cell(c, row) for c in columns)]
        for row in order
    ]
    return FigureTable(header, rows)


def as_csv(table: FigureTable, period_label: str) -> str:
    """The table as CSV, its period on the first line; every cell that a spreadsheet
    would run as a formula (a name like "=cmd") is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(f"Period: {period_label}")])
    for line in (table.header, *table.rows):
        writer.writerow([neutralised(cell) for cell in line])
    return out.getvalue()
