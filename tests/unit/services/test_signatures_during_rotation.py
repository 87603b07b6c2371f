"""During an auth-token rotation a webhook signed with the current or the previous token is
Twilio's; a container holding a copy from before the rotation reads the tokens again before
it refuses, but forged requests cannot make it read SSM more than once in a while."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from twilio.request_validator import RequestValidator

from chalicelib.adapters.twilio_secrets import SecretsCache, SecretsUnavailable, TwilioSecrets
from chalicelib.services.fallback import KeptRequest, replay_kept
from chalicelib.services.webhook_checks import signature_check, signature_matches
from tests.fakes import FakeQueue

URL = "https://texts.example.gov/webhooks/twilio/sms"
FORM = {"MessageSid": "SM1", "From": "+13855550101", "To": "+18015550100", "Body": "hi"}
SID = "AC" + "0" * 32
OLD, NEW, FORGED = "0" * 32, "1" * 32, "f" * 32


def signed(token: str, url: str = URL, form: dict[str, str] | None = None) -> str:
    return RequestValidator(token).compute_signature(url, form or FORM)


@dataclass
class Tokens:
    """What the container holds, and what SSM holds now."""

    holding: tuple[str, ...]
    stored: tuple[str, ...] | None = None
    rereads: int = 0

    def held(self) -> tuple[str, ...]:
        return self.holding

    def reread(self) -> tuple[str, ...] | None:
        self.rereads += 1
        if self.stored is not None:
            self.holding = self.stored
        return self.stored


def test_a_signature_made_with_the_previous_token_is_accepted_without_reading_again():
    tokens = Tokens(holding=(NEW, OLD))
    assert signature_matches(URL, FORM, signed(OLD), tokens)
    assert signature_matches(URL, FORM, signed(NEW), tokens)
    assert tokens.rereads == 0


def test_a_copy_from_before_the_rotation_is_read_again_before_a_new_signature_is_refused():
    tokens = Tokens(holding=(OLD,), stored=(NEW, OLD))
    assert signature_matches(URL, FORM, signed(NEW), tokens)
    assert tokens.rereads == 1
    assert signature_matches(URL, FORM, signed(NEW), tokens)  # the fresh copy is kept
    assert tokens.rereads == 1


def test_a_forged_signature_is_refused_after_reading_again_once():
    tokens = Tokens(holding=(NEW, OLD), stored=(NEW, OLD))
    assert not signature_matches(URL, FORM, signed(FORGED), tokens)
    assert not signature_matches(URL, FORM, "", tokens)
    assert tokens.rereads == 1  # an empty signature is never worth a read


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Ssm:
    """Stands in for the GetParameters read: what it answers, and how often it was asked."""

    answers: list[TwilioSecrets | Exception] = field(default_factory=list)
    reads: int = 0

    def __call__(self) -> TwilioSecrets:
        self.reads += 1
        answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_the_copy_is_kept_for_its_age_and_read_again_after_it():
    clock, ssm = Clock(), Ssm([TwilioSecrets(SID, OLD), TwilioSecrets(SID, NEW, OLD)])
    cache = SecretsCache(ssm, max_age=300, min_reread=5, clock=clock)
    assert cache.get().auth_token == OLD
    clock.now += 299
    assert cache.get().auth_token == OLD and ssm.reads == 1
    clock.now += 1
    assert cache.get().signing_tokens == (NEW, OLD) and ssm.reads == 2


def test_reading_again_on_demand_happens_at_most_once_per_interval():
    clock, ssm = Clock(), Ssm([TwilioSecrets(SID, OLD)])
    cache = SecretsCache(ssm, max_age=300, min_reread=5, clock=clock)
    cache.get()
    assert cache.reread() is not None  # right after a read by age: still allowed
    for _ in range(100):  # a flood of forged requests
        assert cache.reread() is None
    clock.now += 5
    assert cache.reread() is not None
    assert ssm.reads == 3


def test_a_failed_read_keeps_the_copy_held_and_is_not_retried_at_once():
    clock = Clock()
    ssm = Ssm([TwilioSecrets(SID, OLD), SecretsUnavailable("SSM did not answer")])
    cache = SecretsCache(ssm, max_age=300, min_reread=5, clock=clock)
    cache.get()
    clock.now += 400
    assert cache.get().auth_token == OLD  # stale, but better than refusing every webhook
    assert cache.get().auth_token == OLD
    assert ssm.reads == 2  # the next read waits min_reread


def test_without_any_copy_a_failed_read_is_an_error():
    cache = SecretsCache(Ssm([SecretsUnavailable("no such parameter")]), clock=Clock())
    with pytest.raises(SecretsUnavailable):
        cache.get()


def test_the_previous_token_counts_only_while_it_differs_from_the_current_one():
    assert TwilioSecrets(SID, NEW, NEW).signing_tokens == (NEW,)
    assert TwilioSecrets(SID, NEW, None).signing_tokens == (NEW,)
    assert TwilioSecrets(SID, NEW, OLD).signing_tokens == (NEW, OLD)


def test_a_kept_request_signed_with_the_previous_token_is_replayed_not_dropped():
    queue = FakeQueue()
    queue.send(KeptRequest(URL, FORM, signed(OLD)).to_json())
    handled: list[KeptRequest] = []
    report = replay_kept(queue, handled.append, signature_check(Tokens(holding=(NEW, OLD))))
    assert (report.replayed, report.discarded) == (1, 0)
    assert handled[0].form == FORM
