"""Twilio's webhook connection overrides, read from a webhook URL's fragment.

``https://example.org/sms#ct=1000&rt=3000&tt=8000&rc=2&rp=5xx,ct`` (Twilio docs,
"Webhooks (HTTP callbacks): Connection Overrides"). Values are milliseconds:

====  ==================================================  ============  =======
key   meaning                                             range         default
====  ==================================================  ============  =======
ct    connect timeout (TCP)                               100-10000     5000
rt    read timeout: wait for the answer, and between      100-15000     15000
      its packets
tt    total time for every attempt together               100-15000     15000
rc    retries after the first attempt                     0-5           1
rp    what is retried: 4xx, 5xx, ct, rt or all            list          ct
====  ==================================================  ============  =======

So without a fragment Twilio tries once more only when it could not connect (its error
11205 reads "two 5-second attempts"); a 5xx or a timeout is not retried. ``e`` (edge)
and ``sni`` are accepted and ignored here: they mean nothing on a laptop.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

RETRY_CLASSES = frozenset({"4xx", "5xx", "ct", "rt"})
_LIMITS = {"ct": (100, 10_000), "rt": (100, 15_000), "tt": (100, 15_000), "rc": (0, 5)}


@dataclass(frozen=True)
class ConnectionOverrides:
    """Timeouts (ms), retry count and the failure classes retried, for one webhook URL."""

    connect_ms: int = 5_000
    read_ms: int = 15_000
    total_ms: int = 15_000
    retries: int = 1
    retry_on: frozenset[str] = frozenset({"ct"})

    def retries_on(self, failure: str) -> bool:
        """Whether an attempt that failed this way (4xx, 5xx, ct, rt) is tried again."""
        return failure in self.retry_on


def parse_overrides(url: str) -> ConnectionOverrides:
    """Overrides in url's fragment over Twilio's defaults; ValueError for a bad value."""
    fragment = urlsplit(url).fragment
    values = dict(parse_qsl(fragment, keep_blank_values=True))
    numbers: dict[str, int] = {}
    for key, (low, high) in _LIMITS.items():
        if key not in values:
            continue
        try:
            number = int(values[key])
        except ValueError:
            raise ValueError(f"connection override {key}={values[key]!r} is not a number") from None
        if not low <= number <= high:
            raise ValueError(f"connection override {key}={number} is outside {low}-{high}")
        numbers[key] = number
    default = ConnectionOverrides()
    return ConnectionOverrides(
        connect_ms=numbers.get("ct", default.connect_ms),
        read_ms=numbers.get("rt", default.read_ms),
        total_ms=numbers.get("tt", default.total_ms),
        retries=numbers.get("rc", default.retries),
        retry_on=_retry_policy(values["rp"]) if "rp" in values else default.retry_on,
    )


def _retry_policy(value: str) -> frozenset[str]:
    """rp=5xx,ct -> {"5xx", "ct"}; "all" stands for every class."""
    names = {part.strip() for part in value.split(",") if part.strip()}
    if "all" in names:
        return RETRY_CLASSES
    unknown = names - RETRY_CLASSES
    if unknown or not names:
        raise ValueError(f"connection override rp={value!r}: use 4xx, 5xx, ct, rt or all")
    return frozenset(names)
