"""Run the fake Twilio on its own: `python -m infra.local.fake_twilio --port 8001`.

Prints the base URL and the local credentials, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import threading

from .constants import (
    DEFAULT_MAX_CONCURRENT_REQUESTS,
    FAULTS_PATH,
    LOAD_PATH,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
)
from .server import FakeTwilio

DEFAULT_NUMBERS = {"+18015550100": "Probation", "+18015550200": "Pretrial"}


def _number(value: str) -> tuple[str, str]:
    number, _, label = value.partition("=")
    return number.strip(), (label or number).strip()


def _rate(value: str) -> tuple[str, float]:
    number, _, rate = value.partition("=")
    try:
        return number.strip(), float(rate)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected E164=MPS, got {value!r}") from None


def _limit(value: str) -> int | None:
    """0 turns the concurrency limit off."""
    return int(value) or None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--webhook", default="http://127.0.0.1:8000/webhooks/twilio/sms")
    parser.add_argument("--fallback", default=None, help="SMS fallback URL (default: none)")
    parser.add_argument(
        "--number",
        type=_number,
        action="append",
        metavar="E164=LABEL",
        help="a number the account owns (repeatable); default: the demo departments",
    )
    parser.add_argument("--callback-delay", type=float, default=0.3)
    parser.add_argument(
        "--rate",
        type=_rate,
        action="append",
        metavar="E164=MPS",
        help="pace a number at MPS segments per second (repeatable; default: unpaced)",
    )
    parser.add_argument(
        "--max-concurrent-requests",
        type=_limit,
        default=DEFAULT_MAX_CONCURRENT_REQUESTS,
        help="REST requests in flight before 429/20429 (0: no limit)",
    )
    args = parser.parse_args(argv)
    fake = FakeTwilio(
        owned_numbers=dict(args.number) if args.number else DEFAULT_NUMBERS,
        sms_webhook_url=args.webhook or None,
        host=args.host,
        port=args.port,
        callback_delay=args.callback_delay,
        sms_fallback_url=args.fallback or None,
        max_concurrent_requests=args.max_concurrent_requests,
        rates=dict(args.rate or ()),
    ).start()
    print(f"Fake Twilio API:   {fake.base_url}")
    print(f"Phone simulator:   {fake.base_url}/simulator")
    print(f"Account SID:       {LOCAL_ACCOUNT_SID}")
    print(f"Auth token:        {LOCAL_AUTH_TOKEN}")
    print(f"Inbound webhook:   {fake.sms_webhook_url}")
    print(f"Inbound fallback:  {fake.sms_fallback_url or '(none)'}")
    print(f"Fault control:     {fake.base_url}{FAULTS_PATH}")
    print(f"Load control:      {fake.base_url}{LOAD_PATH}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
