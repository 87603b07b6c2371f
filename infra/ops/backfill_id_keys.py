"""Give clients stored before issue 16 what the court import's id-number index needs.

The ``id_keys`` backfill (infra/ops/backfills/id_keys.py) under its own name, as the 0.17.0
upgrade notes give it; ``python -m infra.ops.backfill --name id_keys`` is the same run.
It reads the clients table page by page and gives each client ``id_key`` and
``active_department`` as ``store/clients.py`` writes them today, each write conditional on
the client still being as read, so an edit made meanwhile wins (read again, tried once
more, then reported). Paced, resumable from its checkpoint, safe to run again.

Prints counts only, never id numbers or names. Exit status: 0 done; 1 stopped (the message
says why; run again); 2 done except clients edited at every attempt (run again).

    .venv/bin/python -m infra.ops.backfill_id_keys --jurisdiction salt-lake-county --dry-run
    .venv/bin/python -m infra.ops.backfill_id_keys --jurisdiction salt-lake-county
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import backfill as command
from .backfills.registry import by_name

PROG = "backfill_id_keys"
PAGE_SIZE = 500  # clients per Scan page (tests lower it)
RUN_AGAIN = command.RUN_AGAIN


def arguments() -> argparse.ArgumentParser:
    return command.arguments(
        PROG,
        "Set id_key and active_department on clients stored before the id-number index "
        "(issue 16), so the court import finds them. Counts only; safe to run again.",
    )


def main(argv: list[str] | None = None, dynamodb: Any = None) -> int:
    """``dynamodb`` lets a test hand in a client; normally a bounded one is built."""
    args = arguments().parse_args(argv)
    return command.execute(by_name("id_keys"), args, PROG, dynamodb, PAGE_SIZE)


if __name__ == "__main__":
    sys.exit(main())
