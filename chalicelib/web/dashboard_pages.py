"""The department dashboard (supervisors and admins, their own department) and its CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.dashboard import ANSWER_LABELS
from ..domain.errors import ValidationFailed
from ..lazy import lazy_module
from . import downloads
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain import charts, dashboard_table
    from ..services import dashboard
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    charts = lazy_module("chalicelib.domain.charts")
    dashboard_table = lazy_module("chalicelib.domain.dashboard_table")
    dashboard = lazy_module("chalicelib.services.dashboard")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


def _chosen(visit: Visit) -> dict[str, str]:
    """The period the query asks for: this week unless it says otherwise."""
    chosen = {name: visit.query(name)[:10] for name in ("period", "first", "last")}
    chosen["period"] = chosen["period"] if chosen["period"] in ("week", "30", "custom") else "week"
    return chosen


@bp.route("/dashboard", methods=["GET"])
@guarded
def dashboard_page() -> Response:
    visit = signed_in(bp.current_request)
    chosen, errors = _chosen(visit), {}
    zone, now = get_jurisdiction().zone, datetime.now(UTC)
    try:
        period = dashboard.choose_period(
            chosen["period"], chosen["first"], chosen["last"], now, zone
        )
    except ValidationFailed as exc:
        errors = exc.field_errors
        period = dashboard.choose_period("week", "", "", now, zone)
    view = dashboard.dashboard(
        visit.staff, bootstrap.stores(visit.settings).dashboard_counts, period, now
    )
    found = view.figures
    days = [(f"{d:%b %-d}", (t.get(SENT), t.get(RECEIVED))) for d, t in found.by_day]
    answers = list(
        zip(SHORT_BUCKETS, ((n,) for n in found.department.answer_histogram), strict=True)
    )
    return visit.page(
        "dashboard.html",
        400 if errors else 200,
        view=view,
        found=found,
        table=dashboard_table.figure_table(found),
        by_day=charts.grouped_bars(days, label_every=max(len(days) // 7, 1)),
        by_person=charts.grouped_bars(
            [(p.name, (p.totals.get(SENT), p.totals.get(RECEIVED))) for p in found.by_case_manager]
        ),
        answer_times=charts.grouped_bars(answers),
        answer_rows=list(zip(ANSWER_ROWS, found.department.answer_histogram, strict=True)),
        chosen=chosen,
        errors=errors,
        csv_query=urlencode(chosen),
    )


@bp.route("/dashboard/csv", methods=["GET"])
@guarded
def dashboard_csv() -> Response:
    visit = signed_in(bp.current_request)
    chosen = _chosen(visit)
    zone, now = get_jurisdiction().zone, datetime.now(UTC)
    period = dashboard.choose_period(chosen["period"], chosen["first"], chosen["last"], now, zone)
    body = dashboard.figures_csv(
        visit.staff, bootstrap.stores(visit.settings).dashboard_counts, period
    )
    name = f"dashboard-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return visit.attach(
        Response(
            body,
            status_code=200,
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Cache-Control": "no-store",
                "Content-Disposition": downloads.attachment(name),
                "X-Content-Type-Options": "nosniff",
            },
        )
    )


@bp.route("/settings/weekly-email", methods=["POST"], content_types=FORM)
@guarded
def save_weekly_email() -> Response:
    """The settings page's own form for the weekly e-mail (a section of its own)."""
    visit = signed_in(bp.current_request, form=True)
    wanted = visit.form.get("weekly_email") == "on"
    dashboard.set_weekly(visit.staff, bootstrap.stores(visit.settings).dashboard_counts, wanted)
    return visit.redirect("/settings?saved=weekly#weekly-email")


SENT, RECEIVED = "sent", "received"
# The domain's answer buckets, the open last one said shortly in the chart's table.
ANSWER_ROWS = (*ANSWER_LABELS[:-1], "longer")
SHORT_BUCKETS = ("5m", "15m", "30m", "1h", "2h", "4h", "8h", "1d", "3d", "more")
