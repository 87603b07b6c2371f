"""PynamoDB models: one table per aggregate, designed from the queries each page needs.

Table names get the stage's prefix at run time (see ``tables.bind_tables``); the deployed
CloudFormation tables are generated from these classes, so this file is the schema.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BinarySetAttribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.constants import STREAM_KEYS_ONLY as KEYS_ONLY
from pynamodb.constants import STREAM_NEW_IMAGE as NEW_IMAGE
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
)
from pynamodb.models import Model


class _Meta:
    billing_mode = "PAY_PER_REQUEST"


class UsersByDepartment(GlobalSecondaryIndex):
    """Supervisor pages: every member of staff of one department, by name."""

    class Meta:
        index_name = "by-department"
        projection = IncludeProjection(["email", "role", "active", "email_notifications"])

    department_id = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute(range_key=True)


class UserModel(Model):
    """Staff. Keyed by Cognito username; role and department live here, not in Cognito."""

    class Meta(_Meta):
        table_name = "users"

    user_id = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    department_id = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    email_notifications = BooleanAttribute(default=False)
    sessions_from = UTCDateTimeAttribute(null=True)  # sessions begun before it are ended
    by_department = UsersByDepartment()


# What a caseload row shows (and the live-update check reads): never notes.
CASELOAD_ATTRIBUTES = [
    "department_id",
    "first_name",
    "last_name",
    "phone",
    "language",
    "id_number",
    "unread_count",
    "last_contact_at",
    "opted_out",
    "delivery_problem",
    "recent_sentiment",
    "changed_at",
    "scheduled_count",
    "appointments",
    "search_text",
]


class ClientsByCaseManager(GlobalSecondaryIndex):
    """A caseload, alphabetical: one Query per caseload page."""

    class Meta:
        index_name = "by-case-manager"
        projection = IncludeProjection(CASELOAD_ATTRIBUTES)

    case_manager_id = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ClientsByDepartment(GlobalSecondaryIndex):
    """A supervisor's view of the whole department, alphabetical."""

    class Meta:
        index_name = "by-department"
        projection = IncludeProjection([*CASELOAD_ATTRIBUTES, "case_manager_id"])

    department_id = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ClientsByRecentContact(GlobalSecondaryIndex):
    """A caseload, most recent contact first (Query backwards). Sparse twice over: only
    active clients (``active_case_manager`` is removed on retiring) who were ever in
    contact; the never-contacted follow from the name index."""

    class Meta:
        index_name = "recent-by-case-manager"
        projection = IncludeProjection(CASELOAD_ATTRIBUTES)

    active_case_manager = UnicodeAttribute(hash_key=True)
    last_contact_at = UTCDateTimeAttribute(range_key=True)


class DepartmentByRecentContact(GlobalSecondaryIndex):
    """The department's active clients, most recent contact first (as above)."""

    class Meta:
        index_name = "recent-by-department"
        projection = IncludeProjection([*CASELOAD_ATTRIBUTES, "case_manager_id"])

    active_department = UnicodeAttribute(hash_key=True)
    last_contact_at = UTCDateTimeAttribute(range_key=True)


RETIRED_ATTRIBUTES = [
    "department_id",
    "case_manager_id",
    "first_name",
    "last_name",
    "phone",
    "id_number",
    "retired_at",
    "retired_reason",
    "retired_by",
]


class RetiredByCaseManager(GlobalSecondaryIndex):
    """Sparse: a case manager's retired clients, alphabetical (``retired_sort`` is set
    only while retired)."""

    class Meta:
        index_name = "retired-by-case-manager"
        projection = IncludeProjection(RETIRED_ATTRIBUTES)

    case_manager_id = UnicodeAttribute(hash_key=True)
    retired_sort = UnicodeAttribute(range_key=True)


class RetiredByDepartment(GlobalSecondaryIndex):
    """Sparse: a department's retired clients, alphabetical."""

    class Meta:
        index_name = "retired-by-department"
        projection = IncludeProjection(RETIRED_ATTRIBUTES)

    department_id = UnicodeAttribute(hash_key=True)
    retired_sort = UnicodeAttribute(range_key=True)


class ClientsByIdNumber(GlobalSecondaryIndex):
    """Sparse: active clients with an id number, by department and folded id number
    (``id_key``), keys only. The court import finds a file's clients here, one Query per id
    or the department's keys in a few 1 MB pages, never through a capped list."""

    class Meta:
        index_name = "by-id-number"
        projection = KeysOnlyProjection()

    active_department = UnicodeAttribute(hash_key=True)
    id_key = UnicodeAttribute(range_key=True)


class ClientsWithUnmailedTexts(GlobalSecondaryIndex):
    """Sparse: only clients whose new texts nobody has been e-mailed about yet appear here.

    The flag lives on the client item, which the inbound transaction writes anyway, so the
    e-mail feature adds no item that every text in a department would update.
    """

    class Meta:
        index_name = "email-due"
        projection = IncludeProjection(["case_manager_id", "unread_count", "inbound_count"])

    email_due = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute(range_key=True)


class ClientModel(Model):
    """A client. The conversation hangs off ``client_id``, never off a phone number."""

    class Meta(_Meta):
        table_name = "clients"
        stream_view_type = NEW_IMAGE  # pushed to open pages (services/push.py)

    client_id = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute()
    case_manager_id = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    # The name indexes' sort key; removed while retired, so the client leaves those indexes.
    sort_name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute()
    notes = UnicodeAttribute(default="")
    language = UnicodeAttribute(default="en")
    id_number = UnicodeAttribute(null=True)
    id_key = UnicodeAttribute(null=True)  # the id number as matched (domain.clients)
    unread_count = NumberAttribute(default=0)
    last_contact_at = UTCDateTimeAttribute(null=True)
    old_phones = ListAttribute(of=UnicodeAttribute, default=list)  # of E.164 strings
    phone_note = UnicodeAttribute(null=True)  # extension or note typed with the number
    opted_out = BooleanAttribute(default=False)
    delivery_problem = UnicodeAttribute(null=True)
    recent_sentiment = ListAttribute(of=NumberAttribute, default=list)  # of floats
    inbound_count = NumberAttribute(default=0)
    scheduled_count = NumberAttribute(default=0)  # texts waiting to go out (caseload column)
    # Open appointments, appointment id → "iso-start|kind|confirmation": what the caseload
    # shows, kept by the same transactions that change the appointments.
    appointments: MapAttribute[str, str] = MapAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # Set by every write a caseload or conversation page should notice (a text, a status,
    # reading it); the live-update check compares these instead of a shared counter.
    changed_at = UTCDateTimeAttribute(null=True)
    email_due = UnicodeAttribute(null=True)  # "due" while texts wait for an e-mail
    # Bumped only by edits of details and moves, so an open edit form goes stale only when
    # someone else edited the client (not when a text arrives). Checked by a condition.
    version = NumberAttribute(default=1)
    # Folded words the caseload search matches (domain/search.py), rewritten with the details.
    search_text = UnicodeAttribute(null=True)
    # Copies of case_manager_id / department_id kept only while the client is active: the
    # keys of the recent-contact indexes, removed on retiring.
    active_case_manager = UnicodeAttribute(null=True)
    active_department = UnicodeAttribute(null=True)
    # Set only while retired (case closed): why, when, by whom; retired_sort keys the
    # retired lists.
    retired_at = UTCDateTimeAttribute(null=True)
    retired_reason = UnicodeAttribute(null=True)
    retired_note = UnicodeAttribute(null=True)
    retired_by = UnicodeAttribute(null=True)
    retired_sort = UnicodeAttribute(null=True)
    # Set while a legal hold keeps this client's records (the matter it is for): the
    # records-retention job deletes nothing of theirs (infra/ops/legal_hold.py sets it).
    legal_hold = UnicodeAttribute(null=True)
    by_case_manager = ClientsByCaseManager()
    by_department = ClientsByDepartment()
    recent_by_case_manager = ClientsByRecentContact()
    recent_by_department = DepartmentByRecentContact()
    retired_by_case_manager = RetiredByCaseManager()
    retired_by_department = RetiredByDepartment()
    email_due_index = ClientsWithUnmailedTexts()
    by_id_number = ClientsByIdNumber()


class PhoneRouteModel(Model):
    """A phone number is a route to a client: ``{department_id}#{e164}`` → client.

    Written with a condition so two clients of one department never hold the same current
    number; an inbound text finds its client with one GetItem.
    """

    class Meta(_Meta):
        table_name = "phone-routes"

    route_key = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute()
    current = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()


class UnresolvedSends(GlobalSecondaryIndex):
    """Sparse: outbound texts whose fate is not known yet ("sending", or Twilio did not
    answer). A job asks Twilio about the ones that stay here too long. Spread over a few
    partitions (``check#0``..``check#3`` by the text's id) so a mass send has no hot key."""

    class Meta:
        index_name = "unresolved-sends"
        projection = IncludeProjection(["status", "phone", "body", "at"])

    check_due = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)


class MediaItemAttribute(MapAttribute[str, object]):
    """One photo or file of a text (domain/media.py): its bytes are in the media bucket."""

    index = NumberAttribute()
    content_type = UnicodeAttribute()
    state = UnicodeAttribute()
    key = UnicodeAttribute(null=True)
    thumb_key = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    name = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    # set by the media-copy worker once Twilio's copy is deleted (a retry deletes no more)
    deleted_at_twilio = BooleanAttribute(null=True)
    # a copy run's lease (epoch seconds): another run for the same item leaves it alone
    copying_until = NumberAttribute(null=True)


class ConversationEntryModel(Model):
    """Texts and markers under their client, sorted by time: ``entry_key = iso-time#id``."""

    class Meta(_Meta):
        table_name = "conversations"
        stream_view_type = NEW_IMAGE  # pushed to open pages (services/push.py)

    client_id = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    body = UnicodeAttribute(default="")
    direction = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute(null=True)
    marker = UnicodeAttribute(null=True)
    details: MapAttribute[str, str] = MapAttribute(null=True)
    sid = UnicodeAttribute(null=True)
    status_rank = NumberAttribute(null=True)
    error_code = NumberAttribute(null=True)
    sentiment = NumberAttribute(null=True)
    segments = NumberAttribute(null=True)
    from_old_number = BooleanAttribute(null=True)
    media = ListAttribute(of=MediaItemAttribute, null=True)
    check_due = UnicodeAttribute(null=True)  # on the unresolved-sends index while set
    unresolved = UnresolvedSends()


class TwilioMessageModel(Model):
    """Twilio's MessageSid → where that text lives; also ``draft#<id>`` → an outbound text.

    Created with a condition, so a webhook retried by Twilio is stored once; a status
    callback finds its text with one GetItem. ``draft#<id>`` rows make a send form's
    one-time id usable once and remember what it sent (client, digest of the body), so a
    repeat gets the first attempt's real outcome. A callback that arrives before anything
    identifies its text leaves its status here, and the send applies it.
    Transient rows (drafts, early statuses, inbound guards) expire by TTL.
    """

    class Meta(_Meta):
        table_name = "twilio-messages"

    sid = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute(null=True)
    entry_key = UnicodeAttribute(null=True)
    direction = UnicodeAttribute(null=True)
    early_status = UnicodeAttribute(null=True)
    early_error_code = NumberAttribute(null=True)
    body_digest = UnicodeAttribute(null=True)
    # Which attempt wrote a one-time id's row: a request retried after a timeout (its first
    # try may have landed) recognises its own write instead of taking it for someone else's.
    attempt_token = UnicodeAttribute(null=True)
    # An inbound text's own answer (HELP, the unclaimed auto-reply), so a Twilio retry of a
    # webhook whose answer was lost is answered with the same words (system_texts.py).
    reply_body = UnicodeAttribute(null=True)
    # On a scheduled text's one-time id row: what its status callback must also do to the
    # scheduled text ("sending": a sender holds it; "gave_up": settle-sends called it not
    # sent), so the callback settles both in one transaction without reading (scheduled.py).
    schedule = UnicodeAttribute(null=True)
    # On a reminder's one-time id row: "appointment id|its time as the reminder said it",
    # so whichever write learns that Twilio took the reminder marks the appointment
    # reminded (scheduled_steps.mark_reminded), the status callback included.
    reminds = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


class DueScheduledTexts(GlobalSecondaryIndex):
    """Sparse: scheduled texts not yet handed to the send queue, by due time.

    Spread over DUE_PARTITIONS partitions (``due#0``…) by the text's id, so one busy
    jurisdiction's sweep reads several partitions and writes no hot one. Projects what the
    sender needs, so a due text goes on the queue without another read.
    """

    class Meta:
        index_name = "due"
        projection = IncludeProjection(
            [
                "department_id",
                "author_id",
                "body",
                "send_at",
                "state",
                "version",
                "appointment_id",
                "not_after",
            ]
        )

    due_partition = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class PendingByDepartment(GlobalSecondaryIndex):
    """Sparse: a department's texts still waiting to go out, soonest first (supervisors)."""

    class Meta:
        index_name = "pending-by-department"
        projection = IncludeProjection(
            ["case_manager_id", "author_id", "body", "send_at", "state", "version"]
        )

    pending_department = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class ScheduledTextModel(Model):
    """A text to send later, under its client. Its state moves only forward, each step a
    conditional write (the state machine: store/scheduled.py)."""

    class Meta(_Meta):
        table_name = "scheduled-texts"

    client_id = UnicodeAttribute(hash_key=True)
    scheduled_id = UnicodeAttribute(range_key=True)
    department_id = UnicodeAttribute()
    case_manager_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    body = UnicodeAttribute()
    send_at = UTCDateTimeAttribute()
    state = UnicodeAttribute()
    version = NumberAttribute(default=1)
    attempts = NumberAttribute(default=0)
    claim_token = UnicodeAttribute(null=True)  # the sender holding it (see attempt_token)
    entry_key = UnicodeAttribute(null=True)  # its conversation entry, from the first attempt
    failure = UnicodeAttribute(null=True)
    late_seconds = NumberAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    due_key = UnicodeAttribute()  # send time (ISO, sorts as text) # id
    due_partition = UnicodeAttribute(null=True)  # set while scheduled
    pending_department = UnicodeAttribute(null=True)  # set while pending
    expires_at = TTLAttribute(null=True)  # set when finished: the conversation keeps the text
    # A reminder: its appointment, which offset it is, and the time after which it must not
    # go (the appointment's start): a reminder that late is marked expired, not sent.
    appointment_id = UnicodeAttribute(null=True)
    reminder_offset = NumberAttribute(null=True)
    not_after = UTCDateTimeAttribute(null=True)
    mass_id = UnicodeAttribute(null=True)  # a mass text's recipient's (the dashboard counts it)
    # Its attachment (domain/media.py): not on the due index (a GSI's projection cannot
    # change), so the sender reads it with the client, in the same round trip.
    media = ListAttribute(of=MediaItemAttribute, null=True)
    due = DueScheduledTexts()
    pending_by_department = PendingByDepartment()


class ImportedCourtDates(GlobalSecondaryIndex):
    """Sparse: a department's open court dates that came from an import, by start time, so
    importing a file again compares against them with one Query (and changes nothing when
    nothing changed)."""

    class Meta:
        index_name = "imported"
        projection = IncludeProjection(["case_number", "starts_at", "place", "version"])

    import_department = UnicodeAttribute(hash_key=True)
    import_key = UnicodeAttribute(range_key=True)  # iso start # appointment id


class CourtDatesAtCourthouse(GlobalSecondaryIndex):
    """Sparse: a department's open imported court dates at one courthouse code, by start
    time, so a courthouse's new wording lists the dates it changes with one Query."""

    class Meta:
        index_name = "at_courthouse"
        projection = IncludeProjection(["starts_at", "place", "room", "location_code", "version"])

    courthouse_key = UnicodeAttribute(hash_key=True)  # department # folded code
    import_key = UnicodeAttribute(range_key=True)


class AppointmentModel(Model):
    """A court date, class or check-in under its client. Its reminders are scheduled texts
    that name it; ``version`` guards every change (edit, cancel, answer, outcome)."""

    class Meta(_Meta):
        table_name = "appointments"

    client_id = UnicodeAttribute(hash_key=True)
    appointment_id = UnicodeAttribute(range_key=True)
    department_id = UnicodeAttribute()
    case_manager_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    starts_at = UTCDateTimeAttribute()
    place = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    case_number = UnicodeAttribute(null=True)
    source = UnicodeAttribute(default="staff")
    confirmation = UnicodeAttribute(default="none")
    answered_sid = UnicodeAttribute(null=True)  # the reply that set the confirmation
    outcome = UnicodeAttribute(null=True)
    cancelled = BooleanAttribute(default=False)
    reminded_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute(default=1)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    import_department = UnicodeAttribute(null=True)  # set while an imported date is open
    import_key = UnicodeAttribute(null=True)
    imported = ImportedCourtDates()
    location_code = UnicodeAttribute(null=True)  # an imported date's courthouse code
    room = UnicodeAttribute(null=True)
    hearing = UnicodeAttribute(null=True)  # the kind of hearing as the court writes it
    courthouse_key = UnicodeAttribute(null=True)  # set while an imported date with a code is open
    at_courthouse = CourtDatesAtCourthouse()


class DepartmentTextsModel(Model):
    """A department's own reminder texts, edited by its supervisors: ``language:purpose`` →
    template. Departments without one use the defaults."""

    class Meta(_Meta):
        table_name = "department-texts"

    department_id = UnicodeAttribute(hash_key=True)
    templates: MapAttribute[str, str] = MapAttribute(default=dict)
    version = NumberAttribute(default=1)
    updated_by = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class UnclaimedModel(Model):
    """A number that texted a department but belongs to no client yet."""

    class Meta(_Meta):
        table_name = "unclaimed"
        stream_view_type = KEYS_ONLY  # the navigation's count is pushed (services/push.py)

    department_id = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute(range_key=True)
    first_at = UTCDateTimeAttribute()
    last_at = UTCDateTimeAttribute()
    # Stored as "count"; named apart from Model.count (which counts a table's items).
    texts_count = NumberAttribute(default=0, attr_name="count")
    preview = UnicodeAttribute(default="")
    auto_replied = BooleanAttribute(null=True)  # set once, by the one text that gets the reply
    retired_client_id = UnicodeAttribute(null=True)  # the number was a retired client's
    # Only on each department's one item of waiting numbers (store/waiting.py):
    waiting = UnicodeSetAttribute(null=True)  # the numbers that wait, for the navigation
    misses = NumberAttribute(null=True)  # numbers that came in while the set was full
    complete_at = NumberAttribute(null=True)  # ``misses`` when the set was last made whole


class AuditByActor(GlobalSecondaryIndex):
    """Disclosure requests: everything one person viewed, sent, exported or changed, by time
    (``at``: the chain's keys order one subject, not a person's rows across subjects)."""

    class Meta:
        index_name = "by-actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute(range_key=True)


class AuditModel(Model):
    """Who did what to which subject (a client, a department), when. Append-only: no
    function's role may update or delete a row, and DynamoDB's TTL removes it after the
    jurisdiction's ``audit_days``. Its stream (new images) feeds ``chain-audit``, which
    links each new row into its subject's hash chain (``AuditLinkModel``, same table)."""

    class Meta(_Meta):
        table_name = "audit"
        stream_view_type = NEW_IMAGE  # each new row is chained (services/audit_chainer.py)

    subject = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)  # %Y-%m-%dT%H:%M:%S.%fZ#{random}
    at = UnicodeAttribute(null=True)  # the same (rows from before 0.21.0 have none)
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    details: MapAttribute[str, str] = MapAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    by_actor = AuditByActor()


class AuditLinkModel(Model):
    """The hash chain of one subject's audit rows, in the audit table under its own
    partition ``chain#{subject}`` (so a subject's rows are read without its links), written
    only by ``chain-audit``: ``link#{seq:012d}`` items, and one ``row#{row key}`` marker per
    linked row so that a redelivered row is never linked twice. Not a table of its own
    (not in ALL_MODELS): ``AuditModel`` declares the table."""

    class Meta(_Meta):
        table_name = "audit"

    subject = UnicodeAttribute(hash_key=True)  # chain#{the rows' subject}
    at_id = UnicodeAttribute(range_key=True)  # link#{seq:012d} or row#{row key}
    row_key = UnicodeAttribute()  # the row's at_id
    seq = NumberAttribute()
    row_hash = UnicodeAttribute(null=True)  # links only, as the rest below
    prev_hash = UnicodeAttribute(null=True)
    link_hash = UnicodeAttribute(null=True)
    prev_expires = NumberAttribute(null=True)  # the previous link's TTL (links may end there)
    expires_at = TTLAttribute(null=True)  # the row's


class SessionModel(Model):
    """A signed-in browser, keyed by a SHA-256 of the random id in its cookie (never the id).

    Holds what must not travel in a cookie (Cognito's refresh token) and what the server
    decides by (last activity, the ID token's expiry). DynamoDB's TTL removes it after the
    absolute lifetime; the app checks ``expires_at`` itself, as TTL deletes late.
    """

    class Meta(_Meta):
        table_name = "sessions"

    session_key = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    refresh_token = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    last_active_at = UTCDateTimeAttribute()
    id_token_expires_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    # A sign-in challenge waiting for its answer (key ``challenge#...``, see
    # domain/sign_in.py): what Cognito needs next and, while MFA is set up, the app's key.
    challenge_name = UnicodeAttribute(null=True)
    challenge_session = UnicodeAttribute(null=True)
    mfa_secret = UnicodeAttribute(null=True)


class CourtImportsByDepartment(GlobalSecondaryIndex):
    """A department's recent imports, newest first: the upload page lists them, so an
    import left half-applied (a closed tab) can be taken up again."""

    class Meta:
        index_name = "by-department"
        projection = IncludeProjection(
            [
                "created_by",
                "created_at",
                "file_name",
                "rows_total",
                "next_row",
                "state",
                "added",
                "moved",
                "expires_at",
            ]
        )

    department_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # iso time # import id


class CourtImportModel(Model):
    """A court-date file a supervisor uploaded, kept (zlib-compressed) between its preview
    and the requests that apply it a chunk at a time. ``next_row`` is the progress: it moves
    only under the condition that it still is where the chunk started, so two tabs never
    both count a chunk. Kept a day (TTL); the appointments it made are the lasting record."""

    class Meta(_Meta):
        table_name = "court-imports"

    import_id = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()
    file_name = UnicodeAttribute(default="")
    data = BinaryAttribute(legacy_encoding=False)
    locations = BinaryAttribute(legacy_encoding=False, null=True)
    rows_total = NumberAttribute()
    next_row = NumberAttribute(default=0)
    added = NumberAttribute(default=0)
    moved = NumberAttribute(default=0)
    skipped: MapAttribute[str, int] = MapAttribute(default=dict)  # why rows were not applied
    state = UnicodeAttribute(default="previewed")  # previewed | applying | done
    expires_at = TTLAttribute()
    # The plan kept at upload (its chunks: store/import_plans.py) and the choice made for
    # the dates a whole-calendar import lacks (set once, by the first apply request).
    counts: MapAttribute[str, int] = MapAttribute(null=True)  # verdict → rows
    shared_ids = ListAttribute(of=UnicodeAttribute, null=True)
    first_day = UnicodeAttribute(null=True)  # the file's first and last dates (ISO)
    last_day = UnicodeAttribute(null=True)
    gone_total = NumberAttribute(default=0)  # imported dates in those days the file lacks
    cancel_gone = BooleanAttribute(null=True)
    notify_gone = BooleanAttribute(null=True)
    cancelled = NumberAttribute(default=0)
    by_department = CourtImportsByDepartment()


class ConnectionsByDepartment(GlobalSecondaryIndex):
    """The open pages of a department: a change fans out with one Query."""

    class Meta:
        index_name = "by-department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class ConnectionsByUser(GlobalSecondaryIndex):
    """One person's open pages: signing out closes them all."""

    class Meta:
        index_name = "by-user"
        projection = KeysOnlyProjection()

    user_id = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class ConnectionModel(Model):
    """An open page's WebSocket connection (API Gateway's connection id). Role and department
    are copied from the Users table when it connected; a change of either ends the session,
    which the upkeep job notices. Expires with API Gateway's two-hour limit (TTL)."""

    class Meta(_Meta):
        table_name = "connections"

    connection_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    department_id = UnicodeAttribute()
    role = UnicodeAttribute()
    session_key = UnicodeAttribute()
    watching_client_id = UnicodeAttribute(null=True)
    connected_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    by_department = ConnectionsByDepartment()
    by_user = ConnectionsByUser()


class UnreadModel(Model):
    """One person's unread texts from one client: their own read state, which nobody else's
    reading changes. Only conversations with something unread have an item, so a person's
    whole unread state is one short Query. Written in the inbound text's own transaction
    (for the case manager and each supervisor of the department); deleted when the person
    has seen the newest text (``newest_at``) in a focused tab."""

    class Meta(_Meta):
        table_name = "unread"

    user_id = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute(range_key=True)
    unread = NumberAttribute(default=0)
    newest_at = UTCDateTimeAttribute()
    department_id = UnicodeAttribute()


class RecordsRetentionModel(Model):
    """The records-retention job's own rows: ``legal-hold`` (the jurisdiction-wide switch,
    checked in the same transaction as every deletion) and ``job`` (the pass in progress,
    where it stands, and which run holds it). See store/retention_state.py."""

    class Meta(_Meta):
        table_name = "records-retention"

    name = UnicodeAttribute(hash_key=True)
    held = BooleanAttribute(null=True)  # legal-hold: true stops every deletion
    matter = UnicodeAttribute(null=True)  # legal-hold: what the hold is for
    changed_by = UnicodeAttribute(null=True)
    changed_at = UTCDateTimeAttribute(null=True)
    pass_started_at = UTCDateTimeAttribute(null=True)  # job: the pass in progress or last
    pass_finished_at = UTCDateTimeAttribute(null=True)
    phase = UnicodeAttribute(null=True)  # job: the kind of record being swept
    cursor = UnicodeAttribute(null=True)  # job: where the sweep goes on (a Scan's start key)
    lease_until = UTCDateTimeAttribute(null=True)  # job: a run holds it until then
    lease_token = UnicodeAttribute(null=True)


class DepartmentSettingModel(Model):
    """What a department's supervisors set up in the app, one item each: ``format#<id>``
    (how a court file reads, ``body`` its JSON) and ``courthouse#<folded code>`` (the
    place a reminder names for a code); saved replies ``reply#…`` (store/saved_replies.py).
    One Query per kind; ``version`` guards edits. Its stream (keys only: the key names the
    kind and owner) tells the open pages that list them (services/settings_push.py)."""

    class Meta(_Meta):
        table_name = "department-settings"
        stream_view_type = KEYS_ONLY  # pushed to the pages that list them

    department_id = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)
    body = UnicodeAttribute(null=True)  # format: the mapping and header as JSON
    code = UnicodeAttribute(null=True)  # courthouse: the code as written
    description = UnicodeAttribute(null=True)  # courthouse: its name and address
    members = UnicodeSetAttribute(null=True)  # group#<owner>#<id>: its client ids (body: name)
    version = NumberAttribute(default=1)
    updated_by = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class MassTextsByDepartment(GlobalSecondaryIndex):
    """A department's mass texts, newest first (the list of mass texts and their progress)."""

    class Meta:
        index_name = "by-department"
        projection = IncludeProjection(["author_id", "body", "send_at", "label", "state"])

    department_id = UnicodeAttribute(hash_key=True)
    started_key = UnicodeAttribute(range_key=True)


class MassTextModel(Model):
    """A mass text as started: its wording, time and recipients, one item written by the
    request. Its stream (keys only) runs the fan-out, which writes each recipient's
    scheduled text (``store/mass_texts.py``)."""

    class Meta(_Meta):
        table_name = "mass-texts"
        stream_view_type = KEYS_ONLY  # a new one is fanned out (jobs/mass_fan_out.py)

    mass_id = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    body = UnicodeAttribute()  # as written, placeholders unfilled
    send_at = UTCDateTimeAttribute()
    recipients = ListAttribute(of=UnicodeAttribute, default=list)  # client ids texted
    skipped: MapAttribute[str, str] = MapAttribute(null=True)  # client id → reason
    label = UnicodeAttribute(default="")
    state = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    written_at = UTCDateTimeAttribute(null=True)  # every recipient's text is written
    started_key = UnicodeAttribute()  # created_at (ISO) # mass id: the list's order
    by_department = MassTextsByDepartment()


class DashboardCountModel(Model):
    """The dashboard's figures, kept by the conversations stream's rollup
    (``store/dashboard_counts.py``): under a department, ``day#<date>#<case manager>`` rows
    of counters (one Query reads a period), ``seen#<event>`` markers that let each event
    count once, ``wait#<client>`` while a client's text waits for an answer, and
    ``mail#<week>#<user>`` once a weekly e-mail is claimed. Markers expire by TTL."""

    class Meta(_Meta):
        table_name = "dashboard-counts"

    department_id = UnicodeAttribute(hash_key=True)
    row_key = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute(null=True)  # a day row's case manager, as the dashboard names them
    # a day row's clients (domain.client_mark: 6 bytes each, so a month of rows is one read)
    contacted = BinarySetAttribute(null=True, legacy_encoding=False)
    at = UTCDateTimeAttribute(null=True)  # a waiting client's text: when it came
    expires_at = TTLAttribute(null=True)
    # a day row's counters (domain/dashboard.py Tally) and answer-time buckets a0..a9
    sent = NumberAttribute(null=True)
    received = NumberAttribute(null=True)
    reminders = NumberAttribute(null=True)
    confirmed = NumberAttribute(null=True)
    reschedule = NumberAttribute(null=True)
    attended = NumberAttribute(null=True)
    missed = NumberAttribute(null=True)
    failures = NumberAttribute(null=True)
    opt_outs = NumberAttribute(null=True)
    scheduled = NumberAttribute(null=True)
    mass = NumberAttribute(null=True)
    answered = NumberAttribute(null=True)
    a0 = NumberAttribute(null=True)
    a1 = NumberAttribute(null=True)
    a2 = NumberAttribute(null=True)
    a3 = NumberAttribute(null=True)
    a4 = NumberAttribute(null=True)
    a5 = NumberAttribute(null=True)
    a6 = NumberAttribute(null=True)
    a7 = NumberAttribute(null=True)
    a8 = NumberAttribute(null=True)
    a9 = NumberAttribute(null=True)


ALL_MODELS: tuple[type[Model], ...] = (
    UserModel,
    ClientModel,
    PhoneRouteModel,
    ConversationEntryModel,
    TwilioMessageModel,
    UnclaimedModel,
    ScheduledTextModel,
    AppointmentModel,
    DepartmentTextsModel,
    AuditModel,
    SessionModel,
    CourtImportModel,
    ConnectionModel,
    UnreadModel,
    RecordsRetentionModel,
    DepartmentSettingModel,
    MassTextModel,
    DashboardCountModel,
)

# Models of a table another model declares (same name, bound to the same prefix).
MODELS_OF_SHARED_TABLES: tuple[type[Model], ...] = (AuditLinkModel,)
