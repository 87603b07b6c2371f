"""Every setting of a jurisdiction file: its type, default, limits and meaning.

This is the one place to add a setting. From these models come the JSON Schema editors check
files against (``infra/jurisdiction.schema.json``), the field reference in
``docs/operations.md`` and the build's shape check; tests fail until the first two are
regenerated (``python -m infra.jurisdiction_schema write``). A setting the app reads at run
time is also read by ``chalicelib/domain/jurisdiction.py`` (cheap, no pydantic in the Lambda):
give it the same default there. A setting only a deployed stack needs is a ``deploy_setting``.

Unknown keys are refused everywhere (a misspelling would otherwise silently leave a default),
and nothing is coerced ("7" is not 7, true is not 1).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.court_import import CourtMapping
from chalicelib.domain.jurisdiction import AWS_REGION_PATTERN, EMAIL_PATTERN, MFA_POLICIES
from chalicelib.domain.retention import MAX_DAYS as MAX_RETENTION_DAYS
from chalicelib.domain.retention import MIN_DAYS as MIN_RETENTION_DAYS
from infra.definitions import LOG_RETENTION_DAYS

from .texts import sendable

# The name ends up in table, bucket, API and SSM names: lowercase, dashes, short enough for S3.
NAME_PATTERN = r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$"
DEPARTMENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
# API Gateway's default account quota per region (10,000 requests/s, bursts of 5,000): a stage
# can't be given more, so a bigger number is a typo.
ACCOUNT_RATE_LIMIT = 10_000
ACCOUNT_BURST_LIMIT = 5_000
REQUIRED_TO_DEPLOY = "x-required-to-deploy"
# The only retention periods CloudWatch Logs accepts for a log group (PutRetentionPolicy).
LOG_RETENTION_CHOICES: tuple[int, ...] = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400)
LOG_RETENTION_CHOICES += (545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
COURT = CourtMapping()  # the app's defaults for the court calendar export


class Settings(BaseModel):
    """Strict: unknown keys refused, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def deploy_setting(description: str, **kwargs: Any) -> Any:
    """A setting the local stack can do without and a deployed stack needs."""
    return Field(
        None, description=description, json_schema_extra={REQUIRED_TO_DEPLOY: True}, **kwargs
    )


def log_retention(days: int) -> int:
    """A whole number of days CloudWatch Logs accepts, or the list of those it does."""
    if days not in LOG_RETENTION_CHOICES:
        listed = ", ".join(map(str, LOG_RETENTION_CHOICES[:-1]))
        raise PydanticCustomError(
            "literal_error",
            "Input should be {expected}",
            {"expected": f"{listed} or {LOG_RETENTION_CHOICES[-1]}"},
        )
    return days


Text = Annotated[str, Field(min_length=1)]
SentText = Annotated[str, Field(min_length=1), AfterValidator(sendable)]
OffsetDays = Annotated[int, Field(ge=0, le=60)]
Email = Annotated[str, Field(pattern=EMAIL_PATTERN)]


class Department(Settings):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "probation", "name": "Adult Probation", "twilio_number": "+18015550110"}
            ]
        }
    )

    id: Annotated[str, Field(pattern=DEPARTMENT_ID_PATTERN)] = Field(
        description="The department's id in every record: letters, digits and dashes. "
        "Never change it once clients are stored.",
        examples=["probation"],
    )
    name: Text = Field(description="The department's name on pages.", examples=["Adult Probation"])
    twilio_number: Annotated[str, Field(pattern=E164_PATTERN)] = Field(
        description="The department's own Twilio number, in E.164. Texts to it land in this "
        "department; each department has its own.",
        examples=["+18015550110"],
    )
    messages_per_second: float = Field(
        1.0,
        gt=0,
        le=1000,
        description="How many texts a second Twilio takes from this number (long code 1, "
        "toll-free 3, 10DLC 12-225 by trust score, short code 100); scheduled texts and "
        "reminders leave no faster.",
        examples=[1],
    )


class SystemTexts(Settings):
    auto_reply: SentText = Field(
        description="Answer to the first text from a number no client has. An unknown "
        "number's language is not known, so the English one is sent.",
        examples=["Thanks for your text. A case manager will get back to you."],
    )
    help: SentText = Field(
        description="Answer to HELP, in the client's language.",
        examples=["Text your case manager here. Reply STOP to stop texts. Emergencies: 911."],
    )


class Texts(Settings):
    """One set per language a client can choose (``chalicelib/domain/clients.LANGUAGES``)."""

    en: SystemTexts = Field(description="Texts in English.")
    es: SystemTexts = Field(description="Texts in Spanish.")


class CourtColumns(Settings):
    """Each column by its header name, or by its position as ``"#7"`` (the seventh column,
    whatever its header says: blank, repeated, or a computed ``(expression)``)."""

    id_number: str | None = Field(
        COURT.id_number_column, description="Column of the client's id number (required)."
    )
    date: str | None = Field(
        COURT.date_column,
        description="Column of the date, or of the date and time together (required); a name "
        'or "#N" (its position).',
        examples=["crt_dt", "#2"],
    )
    time: str | None = Field(
        COURT.time_column,
        description="Column of the time; null when the date column holds both (read as the "
        "date format, a space, the time format).",
    )
    room: str | None = Field(
        COURT.room_column, description="Column of the courtroom; null if the export has none."
    )
    location: str | None = Field(
        COURT.location_column,
        description="Column of the courthouse code (looked up in the department's courthouses); "
        'null if none. A column headed "(expression)" is given by position, like "#5".',
        examples=["crt_loc_cd", "#5"],
    )
    case_number: str | None = Field(
        COURT.case_number_column,
        description="Column of the case number, which tells two court dates of one client "
        "apart; null if none.",
    )


class CourtImport(Settings):
    columns: CourtColumns = Field(
        default_factory=CourtColumns,
        description="Which column of the court's calendar export holds what.",
    )
    date_format: str = Field(
        COURT.date_format,
        description="How the export writes a date, as a strptime format.",
        examples=["%m/%d/%Y"],
    )
    time_format: str = Field(
        COURT.time_format,
        description="How the export writes a time, as a strptime format.",
        examples=["%I:%M %p"],
    )
    location_code_column: str = Field(
        COURT.location_code_column,
        description="Not read any more (the court's code table is uploaded on the "
        "Courthouses page, its columns found there); accepted so older files still load.",
    )
    location_name_column: str = Field(
        COURT.location_name_column,
        description="Not read any more, like location_code_column; accepted so older files "
        "still load.",
    )
    locations: dict[str, Text] = Field(
        default_factory=dict,
        description="Seed only: the courthouse codes and the place a reminder names for each, "
        "used by a department until its supervisors save courthouses on the Courthouses page "
        "(kept per department in the app from then on; changing this file changes nothing).",
        examples=[{"SLDC": "Matheson Courthouse, 450 S State St, Salt Lake City"}],
    )


RetentionDays = Annotated[int, Field(ge=MIN_RETENTION_DAYS, le=MAX_RETENTION_DAYS)]


class RecordsRetention(Settings):
    """How long records are kept; each kind left out is kept forever."""

    # The records-retention job deletes what is past its schedule (docs/operations.md,
    # "Records retention and legal hold"); the app reads these in domain/retention.py.

    model_config = ConfigDict(
        json_schema_extra={
            "dependentRequired": {"audit_days": ["texts_days"]},
            "examples": [{"texts_days": 1095, "closed_clients_days": 1095, "audit_days": 2555}],
        }
    )

    texts_days: RetentionDays | None = Field(
        None,
        description="Days texts and markers are kept, in every conversation (an active "
        "client's too), and mass texts (their wording and recipients); left out, forever. "
        "At least 30.",
        examples=[1095],
    )
    closed_clients_days: RetentionDays | None = Field(
        None,
        description="Days a retired (case closed) client is kept after retiring, with all "
        "their texts, appointments and numbers; left out, forever. At least 30.",
        examples=[1095],
    )
    audit_days: RetentionDays | None = Field(
        None,
        description="Days audit rows are kept; left out, forever. At least texts_days and "
        "closed_clients_days, and only with texts_days.",
        examples=[2555],
    )
    legal_hold: bool = Field(
        False,
        description="true stops every deletion (after a deploy); to hold without a "
        "deploy, or one client: python -m infra.ops.legal_hold.",
    )


# AWS Backup (infra/package/backups.py). Point-in-time recovery restores any second of the
# last 35 days; a backup is a full copy of every table, billed per GB a month, so a daily one
# is kept briefly (for when PITR cannot help: it was turned off, or a table was deleted) and
# one a month is kept long. More than 365 dailies or 10 years of monthlies is a typo.
DAILY_KEEP_DAYS = 7
MAX_DAILY_KEEP_DAYS = 365
MONTHLY_KEEP_MONTHS = 12
MAX_MONTHLY_KEEP_MONTHS = 120
DAYS_PER_MONTH = 365.25 / 12  # AWS Backup keeps a recovery point a number of days
PITR_DAYS = 35
KEEP_SETTINGS = ("daily_keep_days", "monthly_keep_months")


class Backups(Settings):
    """AWS Backup copies of every table, kept beyond point-in-time recovery's 35 days."""

    model_config = ConfigDict(
        json_schema_extra={
            # Editors flag what the build refuses: a retention beside "no backups".
            "if": {"properties": {"enabled": {"const": False}}, "required": ["enabled"]},
            "then": {"properties": dict.fromkeys(KEEP_SETTINGS, False)},
            "examples": [{"daily_keep_days": 7, "monthly_keep_months": 12}],
        }
    )

    enabled: bool = Field(
        True,
        description="false: the stack makes no backup vault, plan or alarm, for an account "
        "whose tables are backed up centrally (an AWS Organizations backup policy); "
        "point-in-time recovery stays on either way.",
    )
    daily_keep_days: int = Field(
        DAILY_KEEP_DAYS,
        ge=1,
        le=MAX_DAILY_KEEP_DAYS,
        description="Days each daily backup of every table (03:00 local time) is kept, 1 to "
        "365; only with enabled.",
        examples=[7],
    )
    monthly_keep_months: int = Field(
        MONTHLY_KEEP_MONTHS,
        ge=0,
        le=MAX_MONTHLY_KEEP_MONTHS,
        description="Months the backup of the 1st of each month is kept, 0 (none) to 120; a "
        "month counts 30.44 days (12: 366 days). Only with enabled.",
        examples=[12],
    )

    def monthly_keep_days(self) -> int:
        """What AWS Backup is told: a whole number of days, never less than the months."""
        return math.ceil(self.monthly_keep_months * DAYS_PER_MONTH)

    def longest_days(self) -> int:
        """How long a record deleted from a table may still be in a copy: the longest of
        the backups and point-in-time recovery."""
        if not self.enabled:
            return PITR_DAYS
        return max(PITR_DAYS, self.daily_keep_days, self.monthly_keep_days())


class ApiThrottling(Settings):
    rate_limit: float = Field(
        50,
        gt=0,
        le=ACCOUNT_RATE_LIMIT,
        description="Requests a second each page and JSON API method takes on average.",
    )
    burst_limit: int = Field(
        100, gt=0, le=ACCOUNT_BURST_LIMIT, description="Requests each of those takes at once."
    )
    webhook_rate_limit: float = Field(
        500,
        gt=0,
        le=ACCOUNT_RATE_LIMIT,
        description="Requests a second each Twilio webhook takes; at least rate_limit.",
    )
    webhook_burst_limit: int = Field(
        1000,
        gt=0,
        le=ACCOUNT_BURST_LIMIT,
        description="Requests each Twilio webhook takes at once; at least burst_limit and 100.",
    )


class JurisdictionFile(Settings):
    """A jurisdiction's settings: one file per stack, in infra/jurisdictions/<name>.json."""

    schema_: str | None = Field(
        None,
        alias="$schema",
        description="Where editors find this schema: ../jurisdiction.schema.json. "
        "The app ignores it.",
    )
    name: Annotated[str, Field(pattern=NAME_PATTERN)] = Field(
        description="Same as the file name: 2-30 lowercase letters, digits and dashes. It "
        "names the tables, bucket, API and SSM parameters.",
        examples=["king-county"],
    )
    display_name: Text = Field(
        description="The jurisdiction's name on every page.",
        examples=["Salt Lake County Criminal Justice Services"],
    )
    aws_region: str | None = deploy_setting(
        "The AWS region the stack lives in.", pattern=AWS_REGION_PATTERN, examples=["us-west-2"]
    )
    time_zone: str = Field(
        description="IANA zone of the jurisdiction's region: every scheduled text, reminder "
        "and court date is in its time, daylight saving included. Not a fixed offset "
        "(EST, MST, Etc/GMT+7) or a rule (MST7MDT) unless allow_fixed_offset_time_zone.",
        examples=["America/Denver"],
    )
    allow_fixed_offset_time_zone: bool = Field(
        False,
        description="true only if the jurisdiction keeps one UTC offset all year and "
        "time_zone names it (e.g. Etc/GMT+5).",
    )
    departments: list[Department] = Field(
        min_length=1, description="The departments, each with its own Twilio number."
    )
    reminder_offsets_days: list[OffsetDays] = Field(
        [7, 3, 1],
        description="Days before an appointment that reminders go out, at 9:00 local time "
        "(0: two hours before, the same day).",
        examples=[[7, 3, 1]],
    )
    late_grace_minutes: int = Field(
        15,
        ge=0,
        le=1440,
        description="A scheduled text or reminder that leaves more than this many minutes "
        "after its time is recorded as late.",
    )
    after_confirmation: Literal["day_before", "see_you", "skip"] = Field(
        "day_before",
        description="What happens to an appointment's reminders still to come once the client "
        "confirmed it (Y): day_before keeps only the day-before one, in the short see-you "
        "wording without the question, and cancels the others; see_you sends them all in that "
        "wording; skip cancels them all.",
    )
    allowed_countries: list[str] = Field(
        ["US"],
        min_length=1,
        description="Countries a client's mobile number may be in, as ISO codes.",
        examples=[["US", "CA"]],
    )
    records_retention: RecordsRetention = Field(
        default_factory=RecordsRetention,
        description="How long texts, closed clients and audit rows are kept; without it, "
        "forever. See Records retention and legal hold.",
    )
    texts: Texts = Field(
        description="What ClientComm answers by itself, in every language a client can choose."
    )
    court_import: CourtImport = Field(
        default_factory=CourtImport,
        description="Seed only: the court calendar export's default format, used by a "
        "department until its supervisors save import formats in the app (Import formats "
        "page: formats, their header, courthouses and the hearing kind are kept per "
        "department from then on). Without it, the columns id_number, date, time, room, "
        "location, case_number.",
    )
    retention_days: int | None = deploy_setting(
        "The number of days MMS photos are kept in S3.", ge=1, examples=[2555]
    )
    public_base_url: str | None = Field(
        None,
        description="The custom domain people and Twilio use, https:// without a trailing "
        "path; leave it out to use the API Gateway URL.",
        examples=["https://clientcomm.example.gov"],
    )
    alarm_email: Email | None = deploy_setting(
        "The address alarms are mailed to.", examples=["clientcomm-ops@county.example"]
    )
    mail_from: Email | None = Field(
        None,
        description="Sender of notification mail (verified in SES); without it the app "
        "sends no mail.",
        examples=["clientcomm@county.example"],
    )
    mfa: Literal[MFA_POLICIES] | None = deploy_setting(  # type: ignore[valid-type]
        "Whether staff sign in with codes from an authenticator app: OFF, OPTIONAL or ON."
    )
    api_throttling: ApiThrottling = Field(
        default_factory=ApiThrottling,
        description="API Gateway's limits per method; see API throttling.",
    )
    # The stack's own operations resources (docs/operations.md, "Logs and what a deleted
    # stack leaves behind").
    log_retention_days: Annotated[int, AfterValidator(log_retention)] = Field(
        LOG_RETENTION_DAYS,
        description="Days every log group of the stack keeps its logs (the functions' and "
        "the API's access log): one of the periods CloudWatch Logs accepts, 1 to 3653.",
        json_schema_extra={"enum": list(LOG_RETENTION_CHOICES)},
        examples=[365],
    )
    backups: Backups = Field(
        default_factory=Backups,
        description="AWS Backup copies of every table beyond point-in-time recovery's 35 "
        "days: daily ones kept briefly, monthly ones kept long. See Backups beyond "
        "point-in-time recovery.",
    )
    set_api_gateway_logging_role: bool = Field(
        True,
        description="true: the stack sets this region's API Gateway logging role, which API "
        "Gateway needs to write the access log (one per account and region, shared by every "
        "API in it). false: one is set already (another stack, your platform team) and the "
        "stack leaves it alone.",
    )


REQUIRED_FOR_DEPLOY = tuple(
    name
    for name, field in JurisdictionFile.model_fields.items()
    if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get(REQUIRED_TO_DEPLOY)
)
