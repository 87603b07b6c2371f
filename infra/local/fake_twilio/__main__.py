"""Run the fake Twilio on its own: `python -m infra.local.fake_twilio --port 8001`.

Prints the base URL and the local credentials, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import threading

from .constants import FAULTS_PATH, LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN
from .server import FakeTwilio

DEFAULT_NUMBERS = {"+18015550100": "Probation", "+18015550200": "Pretrial"}


def _number(value: str) -> tuple[str, str]:
    number, _, label = value.partition("=")
    return number.strip(), (label or number).strip()


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
    args = parser.parse_args(argv)
    fake = FakeTwilio(
        owned_numbers=dict(args.number) if args.number else DEFAULT_NUMBERS,
        sms_webhook_url=args.webhook or None,
        host=args.host,
        port=args.port,
        callback_delay=args.callback_delay,
        sms_fallback_url=args.fallback or None,
    ).start()
    print(f"Fake Twilio API:   {fake.base_url}")
    print(f"Phone simulator:   {fake.base_url}/simulator")
    print(f"Account SID:       {LOCAL_ACCOUNT_SID}")
    print(f"Auth token:        {LOCAL_AUTH_TOKEN}")
    print(f"Inbound webhook:   {fake.sms_webhook_url}")
    print(f"Inbound fallback:  {fake.sms_fallback_url or '(none)'}")
    print(f"Fault control:     {fake.base_url}{FAULTS_PATH}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
