"""What a county of 100 staff costs a month: AWS by service, and Twilio per segment.

Pure arithmetic over stated assumptions, so a jurisdiction can change one and see the
effect (`python bench/monthly_cost.py`); docs/operations.md shows this output, and a unit
test keeps the two the same. Volumes per request come from the other benchmarks:
round trips per operation (bench/dynamodb_calls.py, docs/decisions.md "Measured"), a
scheduled text's 3.1 round trips (bench/sweep.py), the pushed-update bill
(bench/live_updates.py: $0.96 per 100 staff). Prices are list prices in us-west-2 and
Twilio's US list prices when written: check both pricing pages before budgeting.
The media layer (Pillow, ~13 MB a version) costs nothing of its own: Lambda charges no
storage for code or layers (a quota only), and its copies in the artifacts bucket are
cents a year.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- the county --------------------------------------------------------------------------
STAFF = 100
CASE_MANAGERS = 85  # the rest supervise or administer
CLIENTS_PER_CASE_MANAGER = 100
WORKDAYS = 22
TEXTS_PER_STAFF_DAY = 40  # sent and received, as bench/live_updates.py assumes
INBOUND_SHARE = 0.5
APPOINTMENTS_PER_CLIENT_MONTH = 1.0
REMINDERS_PER_APPOINTMENT = 3  # the default offsets 7, 3 and 1
CONFIRMED_SHARE = 0.4  # appointments answered "Y" (each gets a thank-you)
UNKNOWN_SENDERS = 500  # texts a month from numbers no client has (one auto-reply each)
PAGE_REQUESTS_PER_STAFF_DAY = 300  # pages, their static files, forms, background fetches
MAILS_PER_STAFF_DAY = 1  # "you have unread texts"

# --- what each thing costs the stack (estimates from the benchmarks and the code) --------
SEGMENTS_STAFF_TEXT = 1.3
SEGMENTS_REMINDER = 2.0  # date, time, place and "Reply Y"
SEGMENTS_INBOUND = 1.2
STATUS_CALLBACKS_PER_SEND = 2  # sent, then delivered (or undelivered)
# Write request units: transactions cost 2 per item of up to 1 KB.
WRU_INBOUND = 12  # entry, client, MessageSid guard, unread items: one transaction
WRU_SEND = 12  # "sending", then Twilio's answer: two transactions
WRU_SCHEDULED = 18  # claim, send, settle (3.1 round trips a text)
WRU_STATUS = 6  # the entry, the client's flags, the callback's guard
WRU_PAGE = 0.5  # last-active at most once a minute; an audit row per client page
# The dashboard's rollup (count-dashboard): each text received, sent and delivered is an
# event counted in one transaction (its marker, the day row, a client's answer clock);
# batches read their clients and case managers, a reply its client's clock.
WRU_DASHBOARD_EVENT = 6
RRU_DASHBOARD_EVENT = 1
DASHBOARD_EVENTS_PER_INVOCATION = 5  # the stream's batches, small outside busy hours
RRU_PAGE = 10  # session and staff record (consistent), a Query of up to 50 rows
# chain-audit links every audit row after it is written (issue 21): its chain's head (one
# consistent Query, at most once a batch per subject) and a transaction of a link and a
# marker (2 items). Audit rows: a client page's view (about a tenth of page requests) and
# each text sent; batches of a few rows while the stream is quiet.
AUDITED_PAGE_SHARE = 0.1
WRU_AUDIT_LINK = 4
RRU_AUDIT_LINK = 1
AUDIT_ROWS_PER_CHAIN_BATCH = 4
RRU_WEBHOOK = 3
RRU_JOB_RUN = 2
KB_STORED_PER_TEXT = 2.0  # the entry and its index copies
KB_AUDIT_PER_PAGE = 0.25  # the row and its by-actor index copy (ALL), its link and marker
MONTHS_OF_DATA = 12  # storage after a year (records_retention keeps at least a year)
LAMBDA_GB = 0.5  # every function has 512 MB
SECONDS_PER_REQUEST = 0.15
SECONDS_PER_JOB_RUN = 0.3
JOB_RUNS = (
    4 * 43_200 + 21_600 + 8_640 + 720 + 720
)  # four every minute, settle-sends, socket-upkeep, records-retention, weekly-email
SQS_REQUESTS = 800_000  # Lambda's long polls of the send queue, replays' receives, sends
LOG_KB_PER_INVOCATION = 1.5
ACCESS_LOG_KB_PER_REQUEST = 0.35  # one JSON line per REST API request
LOG_RETENTION_MONTHS = 3  # log_retention_days' default, 90 days
# The template's alarms, each billed per metric it reads: 48 read one, the send-failure
# rate two, each of the 16 tables' throttles two (reads and writes), the backup jobs' three
# (failed, aborted, expired), and each of the 15 functions' deploy-errors alarm one (the
# version being deployed; gradual deployment rolls back on it). Issue 20's mass texts add
# a table (mass-texts) and a function (fan-out-mass-texts: errors and throttles alarms);
# its settings pages' pushes two functions (push-mass-texts, push-settings: errors,
# throttles and deploy-errors alarms each). Issue 21's dashboard adds a table
# (dashboard-counts) and two functions (count-dashboard: errors, throttles, deploy-errors;
# weekly-email: those and a heartbeat); its chain-audit three more.
# Issue 22's inbound photos add a function (copy-media: errors, throttles, deploy-errors)
# and the media-copy queue's dead-letter alarm.
ALARMS = 48 + 2 + 16 * 2 + 3 + 15 + 2 * 3 + 2 + 3 + 4 + 3 + 3 + 1
# Inbound photos (issue 22): one copy-media run per file (1 GB, a download, a put or two, a
# thumbnail), three item updates (lease, settle, deleted at Twilio) and one SQS message.
PHOTOS_PER_INBOUND = 0.05
COPY_GB = 1.0
COPY_SECONDS = 2.0
WRU_COPY = 3
# 23 observability.count() names (one dimension each; 6 of them records-retention's, 2 the
# dashboard's) and 2 counted from the access log; issue 22's inbound photos add 3
# (InboundMediaNotQueued, InboundMediaStored, InboundMediaGaveUp).
CUSTOM_METRICS = 25 + 3
DASHBOARD = 1
PUSHED_UPDATES = 0.96  # bench/live_updates.py, per 100 staff
# AWS Backup with the backups setting's defaults: each recovery point of a DynamoDB table is
# a full copy. A week of dailies of the tables as they are, and a year of monthlies of the
# tables as they were (smaller: storage grows month by month).
BACKUP_DAILY_KEPT = 7
BACKUP_MONTHLY_KEPT = 12
MEDIA_GB = 1.0

# --- list prices ---------------------------------------------------------------------------
REST_PER_MILLION = 3.50
LAMBDA_PER_MILLION = 0.20
LAMBDA_GB_SECOND = 0.0000166667
WRU_PER_MILLION = 0.625
RRU_PER_MILLION = 0.125
DYNAMODB_GB_MONTH = 0.25
PITR_GB_MONTH = 0.20
BACKUP_GB_MONTH = 0.10  # AWS Backup warm storage of DynamoDB backups
SQS_PER_MILLION = 0.40
SES_PER_THOUSAND = 0.10
LOGS_INGEST_GB = 0.50
LOGS_STORED_GB_MONTH = 0.03
ALARM_MONTH = 0.10
METRIC_MONTH = 0.30
DASHBOARD_MONTH = 3.00
S3_GB_MONTH = 0.023
TWILIO_SEGMENT_OUT = 0.0083
TWILIO_CARRIER_FEE = 0.003  # 10DLC carrier pass-through, an average across carriers
TWILIO_SEGMENT_IN = 0.0083
TWILIO_NUMBER_MONTH = 1.15
TWILIO_CAMPAIGN_MONTH = 10.00  # 10DLC campaign fee, upper end
NUMBERS = 2  # one per department


@dataclass(frozen=True)
class Line:
    service: str
    what: str
    dollars: float


def volumes() -> dict[str, float]:
    clients = CASE_MANAGERS * CLIENTS_PER_CASE_MANAGER
    texts = STAFF * TEXTS_PER_STAFF_DAY * WORKDAYS
    appointments = clients * APPOINTMENTS_PER_CLIENT_MONTH
    return {
        "clients": clients,
        "staff_out": texts * (1 - INBOUND_SHARE),
        "inbound": texts * INBOUND_SHARE + appointments * CONFIRMED_SHARE + UNKNOWN_SENDERS,
        "scheduled": appointments * (REMINDERS_PER_APPOINTMENT + CONFIRMED_SHARE),
        "auto_replies": UNKNOWN_SENDERS,
        "pages": STAFF * PAGE_REQUESTS_PER_STAFF_DAY * WORKDAYS,
        "mails": STAFF * MAILS_PER_STAFF_DAY * WORKDAYS,
    }


def estimate() -> list[Line]:
    v = volumes()
    sends = v["staff_out"] + v["scheduled"] + v["auto_replies"]
    statuses = sends * STATUS_CALLBACKS_PER_SEND
    webhooks = v["inbound"] + statuses
    requests = v["pages"] + webhooks
    events = v["inbound"] + 2 * sends  # received; sent, then delivered
    audit_rows = v["pages"] * AUDITED_PAGE_SHARE + sends
    chain_runs = audit_rows / AUDIT_ROWS_PER_CHAIN_BATCH
    wru = (
        events * WRU_DASHBOARD_EVENT
        + v["inbound"] * WRU_INBOUND
        + v["staff_out"] * WRU_SEND
        + (v["scheduled"] + v["auto_replies"]) * WRU_SCHEDULED
        + statuses * WRU_STATUS
        + v["pages"] * WRU_PAGE
        + audit_rows * WRU_AUDIT_LINK
    )
    rru = (
        v["pages"] * RRU_PAGE
        + webhooks * RRU_WEBHOOK
        + JOB_RUNS * RRU_JOB_RUN
        + events * RRU_DASHBOARD_EVENT
        + audit_rows * RRU_AUDIT_LINK
    )
    stored_gb = (
        MONTHS_OF_DATA * (sends + v["inbound"]) * KB_STORED_PER_TEXT
        + MONTHS_OF_DATA * v["pages"] * KB_AUDIT_PER_PAGE
    ) / 1e6
    monthly_gb = sum(
        stored_gb * max(0, MONTHS_OF_DATA - age) / MONTHS_OF_DATA
        for age in range(BACKUP_MONTHLY_KEPT)
    )
    backup_gb = BACKUP_DAILY_KEPT * stored_gb + monthly_gb
    counting = events / DASHBOARD_EVENTS_PER_INVOCATION
    copies = v["inbound"] * PHOTOS_PER_INBOUND
    wru += copies * WRU_COPY
    invocations = requests + JOB_RUNS + counting + chain_runs + copies
    gb_seconds = (
        LAMBDA_GB
        * (
            requests * SECONDS_PER_REQUEST
            + (JOB_RUNS + counting + chain_runs) * SECONDS_PER_JOB_RUN
        )
        + COPY_GB * COPY_SECONDS * copies
    )
    log_gb = (invocations * LOG_KB_PER_INVOCATION + requests * ACCESS_LOG_KB_PER_REQUEST) / 1e6
    out_segments = (
        v["staff_out"] * SEGMENTS_STAFF_TEXT
        + v["scheduled"] * SEGMENTS_REMINDER
        + v["auto_replies"] * SEGMENTS_STAFF_TEXT
    )
    in_segments = v["inbound"] * SEGMENTS_INBOUND
    m = 1e6
    return [
        Line(
            "API Gateway (REST)", f"{requests / m:.2f} M requests", requests / m * REST_PER_MILLION
        ),
        Line("API Gateway (WebSocket) + pushers", "bench/live_updates.py", PUSHED_UPDATES),
        Line(
            "Lambda",
            f"{invocations / m:.2f} M invocations, {gb_seconds / 1e3:.0f} k GB-s",
            invocations / m * LAMBDA_PER_MILLION + gb_seconds * LAMBDA_GB_SECOND,
        ),
        Line(
            "DynamoDB requests",
            f"{wru / m:.1f} M write units, {rru / m:.1f} M read units",
            wru / m * WRU_PER_MILLION + rru / m * RRU_PER_MILLION,
        ),
        Line(
            "DynamoDB storage + PITR",
            f"{stored_gb:.1f} GB after {MONTHS_OF_DATA} months",
            stored_gb * (DYNAMODB_GB_MONTH + PITR_GB_MONTH),
        ),
        Line(
            "AWS Backup (warm storage)",
            f"{backup_gb:.0f} GB: {BACKUP_DAILY_KEPT} daily, {BACKUP_MONTHLY_KEPT} monthly copies",
            backup_gb * BACKUP_GB_MONTH,
        ),
        Line("SQS", f"{SQS_REQUESTS / m:.1f} M requests", SQS_REQUESTS / m * SQS_PER_MILLION),
        Line("SES", f"{v['mails']:,.0f} mails", v["mails"] / 1e3 * SES_PER_THOUSAND),
        Line(
            "CloudWatch logs",
            f"{log_gb:.1f} GB a month, kept 90 days",
            log_gb * LOGS_INGEST_GB + log_gb * LOG_RETENTION_MONTHS * LOGS_STORED_GB_MONTH,
        ),
        Line(
            "CloudWatch alarms, metrics, dashboard",
            f"{ALARMS} alarm metrics, {CUSTOM_METRICS} metrics, {DASHBOARD} dashboard",
            ALARMS * ALARM_MONTH + CUSTOM_METRICS * METRIC_MONTH + DASHBOARD * DASHBOARD_MONTH,
        ),
        Line("S3 (photos)", f"{MEDIA_GB:.0f} GB", MEDIA_GB * S3_GB_MONTH),
        Line("Cognito, SSM, KMS", "100 users: within the free tiers", 0.0),
        Line(
            "Twilio texts out",
            f"{out_segments / 1e3:.0f} k segments",
            out_segments * (TWILIO_SEGMENT_OUT + TWILIO_CARRIER_FEE),
        ),
        Line(
            "Twilio texts in",
            f"{in_segments / 1e3:.0f} k segments",
            in_segments * TWILIO_SEGMENT_IN,
        ),
        Line(
            "Twilio numbers + 10DLC",
            f"{NUMBERS} numbers, 1 campaign",
            NUMBERS * TWILIO_NUMBER_MONTH + TWILIO_CAMPAIGN_MONTH,
        ),
    ]


def table(lines: list[Line]) -> str:
    """Markdown, as docs/operations.md shows it."""
    aws = sum(line.dollars for line in lines if not line.service.startswith("Twilio"))
    twilio = sum(line.dollars for line in lines if line.service.startswith("Twilio"))
    rows = ["| service | volume | a month |", "|---|---|---:|"]
    rows += [f"| {line.service} | {line.what} | ${line.dollars:,.2f} |" for line in lines]
    rows += [
        f"| **AWS** | ${aws / STAFF:,.2f} per member of staff | **${aws:,.2f}** |",
        f"| **Twilio** | ${twilio / STAFF:,.2f} per member of staff | **${twilio:,.2f}** |",
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(estimate()))
