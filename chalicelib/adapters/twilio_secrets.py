"""The Twilio account's secrets: where the app reads them and how long it keeps a copy.

Locally they are environment variables (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and,
during a rotation, ``TWILIO_PREVIOUS_AUTH_TOKEN``). A deployed stack keeps them in SSM
SecureStrings named by ``TWILIO_*_PARAMETER``, read together in one GetParameters call
and kept per container for ``MAX_AGE_SECONDS``.

While the auth token is rotated (docs/operations.md) two tokens are good: the current one,
which authenticates our REST requests, and the previous one, stored only for the rotation
window, so that a request Twilio signed with it (a retry, a kept fallback request) is not
refused. A container whose copy predates the rotation asks SSM again (``reread``) when a
signature checks out with neither token: at most once per ``MIN_REREAD_SECONDS``, so
forged requests cannot turn into a stream of SSM calls.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..config import ConfigurationError, get_settings
from .aws import aws_client

MAX_AGE_SECONDS = 300.0  # a stored token reaches every container within this (the runbook waits)
MIN_REREAD_SECONDS = 5.0
ACCOUNT_SID_PARAMETER = "TWILIO_ACCOUNT_SID_PARAMETER"
# Names of environment variables, not secrets:
AUTH_TOKEN_PARAMETER = "TWILIO_AUTH_TOKEN_PARAMETER"  # noqa: S105
PREVIOUS_AUTH_TOKEN_PARAMETER = "TWILIO_PREVIOUS_AUTH_TOKEN_PARAMETER"  # noqa: S105

log = logging.getLogger(__name__)


class SecretsUnavailable(ConfigurationError):
    """SSM did not give the Twilio secrets and no earlier copy is held."""


@dataclass(frozen=True)
class TwilioSecrets:
    account_sid: str
    auth_token: str
    previous_auth_token: str | None = None  # set only during a rotation window

    @property
    def signing_tokens(self) -> tuple[str, ...]:
        """The tokens a genuine Twilio signature may have been made with, current first."""
        if self.previous_auth_token and self.previous_auth_token != self.auth_token:
            return (self.auth_token, self.previous_auth_token)
        return (self.auth_token,)


class SecretsCache:
    """One container's copy: read again after ``max_age``, or on demand (``reread``) at
    most once per ``min_reread``. A failed read keeps the copy held (logged) and is not
    tried again for ``min_reread``, so an SSM hiccup neither refuses webhooks nor makes
    each of them wait for SSM."""

    def __init__(
        self,
        read: Callable[[], TwilioSecrets],
        *,
        max_age: float = MAX_AGE_SECONDS,
        min_reread: float = MIN_REREAD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._max_age = max_age
        self._min_reread = min_reread
        self._clock = clock
        self._lock = threading.Lock()
        self._held: TwilioSecrets | None = None
        self._read_at = 0.0
        self._tried_at: float | None = None  # the last read, whether it worked or not
        self._reread_at: float | None = None  # the last read asked for by ``reread``

    def get(self) -> TwilioSecrets:
        with self._lock:
            held, now = self._held, self._clock()
            young = now - self._read_at < self._max_age
            if held is not None and (young or _within(self._tried_at, now, self._min_reread)):
                return held
            fresh = self._fetch(now)
            if fresh is not None:
                return fresh
            if held is None:
                raise SecretsUnavailable("could not read the Twilio secrets from SSM")
            return held

    def reread(self) -> TwilioSecrets | None:
        """A fresh copy; None when one was asked for less than ``min_reread`` ago or SSM
        did not answer."""
        with self._lock:
            now = self._clock()
            if _within(self._reread_at, now, self._min_reread):
                return None
            self._reread_at = now
            return self._fetch(now)

    def _fetch(self, now: float) -> TwilioSecrets | None:
        self._tried_at = now
        try:
            fresh = self._read()
        except SecretsUnavailable as exc:
            log.warning("kept the Twilio secrets held: %s", exc)
            return None
        self._held, self._read_at = fresh, now
        return fresh


def _within(then: float | None, now: float, seconds: float) -> bool:
    return then is not None and now - then < seconds


def read_from_ssm(
    ssm: Any, account_sid: str, auth_token: str, previous: str | None
) -> TwilioSecrets:
    """All of them in one GetParameters call; an absent previous token is no error."""
    from botocore.exceptions import BotoCoreError, ClientError

    names = [account_sid, auth_token, *([previous] if previous else [])]
    try:
        answer = ssm.get_parameters(Names=names, WithDecryption=True)
    except (BotoCoreError, ClientError) as exc:
        raise SecretsUnavailable(f"SSM did not answer: {type(exc).__name__}") from exc
    values = {p["Name"]: str(p["Value"]) for p in answer.get("Parameters", [])}
    missing = [name for name in (account_sid, auth_token) if not values.get(name)]
    if missing:
        raise SecretsUnavailable(f"SSM has no {', '.join(missing)}")
    return TwilioSecrets(
        values[account_sid], values[auth_token], (values.get(previous) if previous else None)
    )


def twilio_secrets() -> TwilioSecrets:
    """The secrets as this container holds them (the environment's, else SSM's copy)."""
    direct = _from_environment(os.environ)
    return direct if direct is not None else _container_cache(*_parameter_names()).get()


def reread_twilio_secrets() -> TwilioSecrets | None:
    """A copy read just now, or None when none can be had now (see ``SecretsCache``).
    Environment variables are always current: nothing to read again."""
    if _from_environment(os.environ) is not None:
        return None
    return _container_cache(*_parameter_names()).reread()


def _from_environment(env: Mapping[str, str]) -> TwilioSecrets | None:
    sid, token = env.get("TWILIO_ACCOUNT_SID"), env.get("TWILIO_AUTH_TOKEN")
    if not (sid and token):
        return None
    return TwilioSecrets(sid, token, env.get("TWILIO_PREVIOUS_AUTH_TOKEN") or None)


def _parameter_names() -> tuple[str, str, str | None]:
    env = os.environ
    sid, token = env.get(ACCOUNT_SID_PARAMETER), env.get(AUTH_TOKEN_PARAMETER)
    if not (sid and token):
        raise ConfigurationError(
            "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or their SSM names in "
            f"{ACCOUNT_SID_PARAMETER} and {AUTH_TOKEN_PARAMETER}"
        )
    return sid, token, env.get(PREVIOUS_AUTH_TOKEN_PARAMETER) or None


@lru_cache(maxsize=8)
def _container_cache(account_sid: str, auth_token: str, previous: str | None) -> SecretsCache:
    """One copy per container (and per set of names: tests use several)."""
    settings = get_settings()
    ssm = aws_client("ssm", settings.region, settings.aws_endpoint_url)
    return SecretsCache(lambda: read_from_ssm(ssm, account_sid, auth_token, previous))
