"""One set of tests, two outbound stores: the in-memory fake the use-case tests use and the
real PynamoDB store on the local stack. If the fake drifts from the real store, one of the
two classes below fails, and the unit tests built on the fake stop being trusted blindly.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.clients import Client, ClientDetails
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.delivery import ERROR_EXPLANATIONS, OPTED_OUT, UNREACHABLE, effect_on_client
from chalicelib.store.clients import ClientStore
from chalicelib.store.outbound import OutboundStore, SidRecord, StatusChange, ref_for
from chalicelib.store.write_failures import WriteNotStored
from tests.clock import real_now
from tests.fakes import FakeClientStore, FakeOutboundStore, new_draft_id, new_sid
from tests.helpers import fresh_phone

BODY = "Your appointment moved to Thursday at 2."


def outbound_entry(client_id: str, body: str = BODY) -> ConversationEntry:
    """A text as send_text records it before Twilio is called."""
    return ConversationEntry(
        client_id=client_id,
        entry_id=new_draft_id(),
        at=real_now(),
        kind=EntryKind.TEXT,
        body=body,
        direction=Direction.OUTBOUND,
        phone="+13035550101",
        status="sending_to_twilio",
        author_id="kristina",
        segments=1,
    )


def change(status: str, code: int | None = None, sid: str = "") -> StatusChange:
    return StatusChange(status, code, effect_on_client(status, code), sid)


class OutboundStoreContract:
    """Subclasses provide ``clients`` and ``outbound`` fixtures sharing one set of clients."""

    @pytest.fixture()
    def client(self, clients: ClientStore) -> Client:
        return clients.add(
            Client(secrets.token_hex(10), "probation", "kristina", "Ada", "Contract", fresh_phone())
        )

    @pytest.fixture()
    def started(self, outbound: OutboundStore, client: Client) -> ConversationEntry:
        entry = outbound_entry(client.client_id)
        assert outbound.start(entry, "digest-of-the-first") is None
        return entry

    def status_of(self, outbound: OutboundStore, entry: ConversationEntry) -> str:
        return outbound.first_attempt(entry.entry_id).entry.status

    def test_a_repeated_one_time_id_returns_the_first_attempt_and_records_nothing_new(
        self, outbound, started
    ):
        later = replace(started, body="Something else", at=started.at + timedelta(seconds=5))

        first = outbound.start(later, "digest-of-the-second")

        assert (first.ref, first.body_digest) == (ref_for(started), "digest-of-the-first")
        assert (first.entry.entry_id, first.entry.body) == (started.entry_id, BODY)
        assert first.entry.status == "sending_to_twilio"
        assert outbound.first_attempt(started.entry_id) == first

    def test_an_unused_one_time_id_finds_nothing(self, outbound):
        assert outbound.first_attempt(new_draft_id()) is None
        assert outbound.locate(new_draft_id()) is None

    def test_a_one_time_id_locates_the_text_it_created(self, outbound, started):
        assert outbound.locate(started.entry_id) == ref_for(started)

    def test_a_status_only_moves_forward(self, outbound, started):
        ref = ref_for(started)
        moves = ["queued", "sent", "delivered", "sent", "delivered", "undelivered", "queued"]

        applied = [outbound.change_status(ref, change(status)) for status in moves]

        assert applied == [True, True, True, False, False, False, False]
        assert self.status_of(outbound, started) == "delivered"

    def test_a_status_for_a_text_that_does_not_exist_changes_nothing(self, outbound, client):
        missing = ref_for(outbound_entry(client.client_id))

        assert outbound.change_status(missing, change("delivered")) is False
        assert outbound.first_attempt(missing.entry_key.rsplit("#", 1)[-1]) is None

    def test_a_failed_text_keeps_its_code_and_flags_its_client(
        self, outbound, clients, client, started
    ):
        assert outbound.change_status(ref_for(started), change("undelivered", UNREACHABLE))

        failed = outbound.first_attempt(started.entry_id).entry
        assert (failed.status, failed.error_code) == ("undelivered", UNREACHABLE)
        flagged = clients.get(client.client_id)
        assert flagged.delivery_problem == ERROR_EXPLANATIONS[UNREACHABLE]
        assert flagged.opted_out is False

    def test_21610_opts_the_client_out_and_a_later_delivery_clears_only_the_flag(
        self, outbound, clients, client, started
    ):
        outbound.change_status(ref_for(started), change("failed", OPTED_OUT))
        assert clients.get(client.client_id).opted_out is True
        second = outbound_entry(client.client_id, "Second text")
        outbound.start(second, "digest-of-another")

        outbound.change_status(ref_for(second), change("delivered"))

        cleared = clients.get(client.client_id)
        assert (cleared.delivery_problem, cleared.opted_out) == ("", True)

    @pytest.mark.parametrize(
        ("status", "code"), [("sent", None), ("undelivered", UNREACHABLE), ("failed", OPTED_OUT)]
    )
    def test_a_text_that_did_not_reach_the_phone_is_not_last_contact(
        self, outbound, clients, client, started, status, code
    ):
        assert outbound.change_status(ref_for(started), change(status, code))

        assert clients.get(client.client_id).last_contact_at is None

    def test_a_delivered_text_is_last_contact_at_the_time_it_was_sent(
        self, outbound, clients, client, started
    ):
        outbound.change_status(ref_for(started), change("sent"))
        assert clients.get(client.client_id).last_contact_at is None

        assert outbound.change_status(ref_for(started), change("delivered"))

        assert clients.get(client.client_id).last_contact_at == started.at

    def test_a_late_delivery_of_an_older_text_does_not_move_last_contact_back(
        self, outbound, clients, client, started
    ):
        newer = replace(outbound_entry(client.client_id), at=started.at + timedelta(minutes=5))
        outbound.start(newer, "digest-of-the-newer")
        assert outbound.change_status(ref_for(newer), change("delivered"))

        assert outbound.change_status(ref_for(started), change("delivered"))  # arrives late
        assert outbound.change_status(ref_for(newer), change("read")) is True  # and again

        assert clients.get(client.client_id).last_contact_at == newer.at
        assert self.status_of(outbound, started) == "delivered"  # the status still moved

    def test_a_status_for_a_text_whose_client_is_gone_is_not_stored(self, outbound):
        orphan = outbound_entry(secrets.token_hex(10))
        outbound.start(orphan, "digest-of-an-orphan")

        with pytest.raises(WriteNotStored):
            outbound.change_status(ref_for(orphan), change("sent"))
        assert self.status_of(outbound, orphan) == "sending_to_twilio"

    def test_a_sent_text_files_its_sid_status_and_segments(
        self, outbound, clients, client, started
    ):
        ref, sid = ref_for(started), new_sid()

        outbound.record_sent(ref, started.entry_id, "kristina", sid, "queued", 2)

        sent = outbound.first_attempt(started.entry_id).entry
        assert (sent.status, sent.sid, sent.segments) == ("queued", sid, 2)
        assert outbound.find_sid(sid) == SidRecord(ref, None, None)
        assert clients.get(client.client_id).last_contact_at is None  # not delivered yet

    def test_a_send_recorded_after_a_callback_keeps_the_callbacks_status(self, outbound, started):
        ref, sid = ref_for(started), new_sid()
        outbound.change_status(ref, change("delivered"))

        outbound.record_sent(ref, started.entry_id, "kristina", sid, "queued", 1)

        sent = outbound.first_attempt(started.entry_id).entry
        assert (sent.status, sent.sid) == ("delivered", sid)
        assert outbound.find_sid(sid).ref == ref

    def test_a_status_change_may_file_the_sid_under_its_text(self, outbound, started):
        ref, sid = ref_for(started), new_sid()

        assert outbound.change_status(ref, change("sent", sid=sid))

        assert outbound.find_sid(sid) == SidRecord(ref, None, None)
        assert outbound.first_attempt(started.entry_id).entry.sid == sid

    def test_a_sid_filed_for_one_client_is_never_filed_for_another(
        self, outbound, clients, started
    ):
        sid = new_sid()
        outbound.change_status(ref_for(started), change("sent", sid=sid))
        other = clients.add(
            Client(secrets.token_hex(10), "probation", "kristina", "Bo", "Other", fresh_phone())
        )
        theirs = outbound_entry(other.client_id)
        outbound.start(theirs, "digest-of-theirs")

        with pytest.raises(WriteNotStored):
            outbound.change_status(ref_for(theirs), change("delivered", sid=sid))
        assert outbound.find_sid(sid).ref == ref_for(started)
        assert self.status_of(outbound, theirs) == "sending_to_twilio"

    def test_an_unknown_sid_finds_nothing(self, outbound):
        assert outbound.find_sid(new_sid()) is None

    def test_an_early_status_is_parked_and_only_a_better_one_replaces_it(self, outbound):
        sid = new_sid()
        tries = [
            ("sent", None),
            ("queued", None),
            ("sent", None),
            ("undelivered", UNREACHABLE),
            ("delivered", None),
        ]

        parked = [outbound.remember_early(sid, status, code) for status, code in tries]

        assert parked == [True, False, False, True, False]
        assert outbound.find_sid(sid) == SidRecord(None, "undelivered", UNREACHABLE)

    def test_a_better_early_status_without_a_code_drops_the_old_code(self, outbound):
        sid = new_sid()
        outbound.remember_early(sid, "undelivered", UNREACHABLE)

        assert outbound.remember_early(sid, "read", None)
        assert outbound.find_sid(sid) == SidRecord(None, "read", None)

    def test_no_early_status_is_parked_once_the_sid_is_filed(self, outbound, started):
        sid = new_sid()
        outbound.record_sent(ref_for(started), started.entry_id, "kristina", sid, "queued", 1)

        assert outbound.remember_early(sid, "delivered", None) is False
        assert outbound.find_sid(sid) == SidRecord(ref_for(started), None, None)

    def test_filing_a_sid_keeps_the_status_parked_on_it(self, outbound, started):
        sid = new_sid()
        outbound.remember_early(sid, "delivered", None)

        outbound.record_sent(ref_for(started), started.entry_id, "kristina", sid, "queued", 1)

        assert outbound.find_sid(sid) == SidRecord(ref_for(started), "delivered", None)

    def test_a_new_number_clears_the_old_numbers_delivery_problem_and_keeps_its_note(
        self, clients, outbound, client, started
    ):
        outbound.change_status(ref_for(started), change("undelivered", 30006))
        assert "landline" in clients.get(client.client_id).delivery_problem
        same = ClientDetails("Ada", "Contract", client.phone, phone_note="ext. 5")
        kept = clients.update_details(clients.get(client.client_id), same, None)
        assert kept.delivery_problem and kept.phone_note == "ext. 5"

        new = ClientDetails("Ada", "Contract", fresh_phone(), phone_note="mobile")
        changed = clients.update_details(kept, new, None)

        assert (changed.delivery_problem, changed.phone_note) == ("", "mobile")


class TestFakeOutboundStore(OutboundStoreContract):
    @pytest.fixture()
    def clients(self) -> FakeClientStore:
        return FakeClientStore()

    @pytest.fixture()
    def outbound(self, clients: FakeClientStore) -> FakeOutboundStore:
        return FakeOutboundStore(clients)


class TestRealOutboundStore(OutboundStoreContract):
    @pytest.fixture()
    def clients(self, stores) -> ClientStore:
        return stores.clients

    @pytest.fixture()
    def outbound(self, stores) -> OutboundStore:
        return stores.outbound
