"""The fake's load knobs and what they counted, in Python and as ``/_fake/load`` JSON.

Knobs: the account's REST concurrency limit, each sender's rate, and a fake-wide validity
period standing in for Twilio's 10-hour queue limit. Counts, for tests and the benchmark:
requests answered 429, the most requests in flight at once, and per number how many
messages were created, released, expired in the queue (by error code), refused with 21611,
the queue's depth now and at its deepest, and when each message entered and left it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from .concurrency import ConcurrencyLimit
from .pacing import NumberLoad
from .replies import Reply, json_reply
from .send_queues import SendQueues

SETTINGS = ("max_concurrent_requests", "rates", "validity_period")


@dataclass(frozen=True)
class LoadReport:
    """A snapshot of the load knobs and counts (times are Unix epoch seconds)."""

    max_concurrent_requests: int | None
    in_flight: int
    peak_in_flight: int
    too_many_requests: int
    validity_period: float | None
    numbers: dict[str, NumberLoad]

    def as_json(self, releases: bool = True) -> dict[str, Any]:
        return {
            "max_concurrent_requests": self.max_concurrent_requests,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
            "too_many_requests": self.too_many_requests,
            "validity_period": self.validity_period,
            "numbers": {n: load.as_json(releases) for n, load in self.numbers.items()},
        }


class LoadControl:
    """Reads and changes the load knobs; ``handle`` serves them at ``/_fake/load``.

    GET reports (``?releases=0`` leaves out the per-message release times), POST a JSON
    object with any of ``max_concurrent_requests``, ``rates`` ({number: rate or null}) and
    ``validity_period`` changes them (all or nothing), DELETE starts the counts afresh.
    """

    def __init__(
        self, limit: ConcurrencyLimit, queues: SendQueues, owned_numbers: Collection[str]
    ) -> None:
        self._limit = limit
        self._queues = queues
        self._owned = owned_numbers

    def report(self, releases: bool = True) -> LoadReport:
        return LoadReport(
            max_concurrent_requests=self._limit.limit,
            in_flight=self._limit.in_flight,
            peak_in_flight=self._limit.peak,
            too_many_requests=self._limit.refused,
            validity_period=self._queues.validity_period,
            numbers=self._queues.report(releases),
        )

    def reset_counts(self) -> None:
        self._limit.reset_counts()
        self._queues.reset_counts()

    def set_rate(self, number: str, rate: float | None) -> None:
        """Pace one of the account's numbers; only a positive number of segments/s or None."""
        if number not in self._owned:
            raise ValueError(f"{number!r} is not one of the account's numbers")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)):
            raise ValueError(f"a rate is a number of segments per second or None, not {rate!r}")
        self._queues.set_rate(number, None if rate is None else float(rate))

    def apply(self, settings: dict[str, Any]) -> None:
        """Change the given knobs; on a bad value none of them changes (ValueError)."""
        unknown = sorted(set(settings) - set(SETTINGS))
        if unknown:
            raise ValueError(f"unknown settings {unknown}; known: {list(SETTINGS)}")
        before = (self._limit.limit, self._queues.validity_period, self._queues.rates())
        try:
            if "max_concurrent_requests" in settings:
                self._limit.limit = settings["max_concurrent_requests"]
            if "validity_period" in settings:
                self._queues.validity_period = _seconds(settings["validity_period"])
            rates = settings.get("rates") or {}
            if not isinstance(rates, dict):
                raise ValueError("rates must be an object of number: rate")
            for number, rate in rates.items():
                self.set_rate(number, rate)
        except (TypeError, ValueError):
            self._limit.limit, self._queues.validity_period, old_rates = before
            for number, rate in old_rates.items():
                self._queues.set_rate(number, rate)
            raise

    def handle(self, method: str, query: str, body: bytes) -> Reply:
        if method == "GET":
            releases = parse_qs(query).get("releases", ["1"])[0].lower() not in ("0", "false")
            return self._answer(200, releases)
        if method == "DELETE":
            self.reset_counts()
            return self._answer(200, releases=False)
        if method != "POST":
            return json_reply(405, {"error": "use GET, POST or DELETE"})
        try:
            settings = json.loads(body or b"{}")
            if not isinstance(settings, dict):
                raise ValueError("expected a JSON object")
            self.apply(settings)
        except (TypeError, ValueError) as exc:
            return json_reply(400, {"error": str(exc), "settings": list(SETTINGS)})
        return self._answer(200, releases=False)

    def _answer(self, status: int, releases: bool) -> Reply:
        payload = self.report(releases).as_json(releases)
        return json_reply(status, payload, {"Cache-Control": "no-store"})


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"validity_period is a number of seconds or None, not {value!r}")
    return float(value)
