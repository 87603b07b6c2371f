"""PynamoDB models: one table per aggregate, designed from the queries each page needs.

Table names get the stage's prefix at run time (see ``tables.bind_tables``); the deployed
CloudFormation tables are generated from these classes, so this file is the schema.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _Meta:
    billing_mode = "PAY_PER_REQUEST"


class UsersByDepartment(GlobalSecondaryIndex):
    """Supervisor pages: every member of staff of one department, by name."""

    class Meta:
        index_name = "by-department"
        projection = AllProjection()

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
    by_department = UsersByDepartment()


class ClientsByCaseManager(GlobalSecondaryIndex):
    """A caseload, alphabetical: one Query per caseload page."""

    class Meta:
        index_name = "by-case-manager"
        projection = AllProjection()

    case_manager_id = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ClientsByDepartment(GlobalSecondaryIndex):
    """A supervisor's view of the whole department, alphabetical."""

    class Meta:
        index_name = "by-department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ClientModel(Model):
    """A client. The conversation hangs off ``client_id``, never off a phone number."""

    class Meta(_Meta):
        table_name = "clients"

    client_id = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute()
    case_manager_id = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    sort_name = UnicodeAttribute()
    phone = UnicodeAttribute()
    notes = UnicodeAttribute(default="")
    language = UnicodeAttribute(default="en")
    id_number = UnicodeAttribute(null=True)
    unread_count = NumberAttribute(default=0)
    last_contact_at = UTCDateTimeAttribute(null=True)
    old_phones = ListAttribute(of=UnicodeAttribute, default=list)
    opted_out = BooleanAttribute(default=False)
    delivery_problem = UnicodeAttribute(null=True)
    recent_sentiment = ListAttribute(of=NumberAttribute, default=list)
    inbound_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # Bumped only by edits of details and moves, so an open edit form goes stale only when
    # someone else edited the client (not when a text arrives). Checked by a condition.
    version = NumberAttribute(default=1)
    by_case_manager = ClientsByCaseManager()
    by_department = ClientsByDepartment()


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


class ConversationEntryModel(Model):
    """Texts and markers under their client, sorted by time: ``entry_key = iso-time#id``."""

    class Meta(_Meta):
        table_name = "conversations"

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
    details = MapAttribute(null=True)
    sid = UnicodeAttribute(null=True)
    status_rank = NumberAttribute(null=True)
    error_code = NumberAttribute(null=True)
    sentiment = NumberAttribute(null=True)
    segments = NumberAttribute(null=True)
    from_old_number = BooleanAttribute(null=True)


class TwilioMessageModel(Model):
    """Twilio's MessageSid → where that text lives.

    Created with a condition, so a webhook retried by Twilio is stored once; a status
    callback finds its text with one GetItem. A callback that beats the send's own write
    leaves its status here, and the send applies it.
    """

    class Meta(_Meta):
        table_name = "twilio-messages"

    sid = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute(null=True)
    entry_key = UnicodeAttribute(null=True)
    direction = UnicodeAttribute(null=True)
    early_status = UnicodeAttribute(null=True)
    early_error_code = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class UnclaimedModel(Model):
    """A number that texted a department but belongs to no client yet."""

    class Meta(_Meta):
        table_name = "unclaimed"

    department_id = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute(range_key=True)
    first_at = UTCDateTimeAttribute()
    last_at = UTCDateTimeAttribute()
    count = NumberAttribute(default=0)
    preview = UnicodeAttribute(default="")


class EmailDue(GlobalSecondaryIndex):
    """Sparse: only people with texts they have not been e-mailed about appear here."""

    class Meta:
        index_name = "email-due"
        projection = AllProjection()

    email_due = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(range_key=True)


class ActivityModel(Model):
    """A counter per person and per department, bumped by every inbound text and status
    change, so a page can ask "anything new?" for the price of one GetItem."""

    class Meta(_Meta):
        table_name = "activity"

    scope = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(default=0)
    unread = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)
    email_due = UnicodeAttribute(null=True)
    email_due_index = EmailDue()


class AuditByActor(GlobalSecondaryIndex):
    """Disclosure requests: everything one person viewed, sent, exported or changed."""

    class Meta:
        index_name = "by-actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)


class AuditModel(Model):
    """Who did what to which client, when. Append-only."""

    class Meta(_Meta):
        table_name = "audit"

    subject = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    details = MapAttribute(null=True)
    by_actor = AuditByActor()


ALL_MODELS: tuple[type[Model], ...] = (
    UserModel,
    ClientModel,
    PhoneRouteModel,
    ConversationEntryModel,
    TwilioMessageModel,
    UnclaimedModel,
    ActivityModel,
    AuditModel,
)
