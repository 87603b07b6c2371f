"""DynamoDB round trips an audit row costs now that it is a link of a hash chain.

Linking reads the subject's newest row (one consistent Query, Limit 1) before each attempt
to write, so a lone append costs that Query and its write: 1 extra round trip, in turn,
before the write or the transaction the row rides in. A lost claim (another container took
the number first) costs a Query and a write again. Measured here with botocore's event
counters (harness.counting): one append alone, one inside a transaction, and WRITERS
threads appending to one subject at once (the calls per row, and how many rows had to
claim again).

    .venv/bin/python -m bench.audit_chain
"""

from __future__ import annotations

import contextvars
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

from bench.harness import counting, install_counter, start_stack

WRITERS = 8
EACH = 5


def main() -> None:
    install_counter()
    stack = start_stack(seed=False)
    try:
        from pynamodb.transactions import TransactWrite

        from chalicelib.store.audit import audit_row
        from chalicelib.store.transactions import transactions

        about = f"client#bench-{secrets.token_hex(4)}"
        audit_row(about, "someone", "view").save()
        with counting() as alone:
            audit_row(about, "someone", "view").save()
        print(f"an append alone: {dict(alone)}")

        with counting() as in_tx:
            row = audit_row(about, "someone", "send")
            with TransactWrite(connection=transactions()) as tx:
                tx.save(row)
        print(f"an append in a transaction: {dict(in_tx)}")

        busy = f"client#bench-{secrets.token_hex(4)}"
        start = threading.Barrier(WRITERS)

        def writer(_: int) -> None:
            start.wait(timeout=30)
            for _ in range(EACH):
                audit_row(busy, "someone", "view").save()

        with counting() as together, ThreadPoolExecutor(max_workers=WRITERS) as pool:
            # each thread carries the measuring block's context (harness counts by it)
            runs = [contextvars.copy_context() for _ in range(WRITERS)]
            list(pool.map(lambda n: runs[n].run(writer, n), range(WRITERS)))
        rows = WRITERS * EACH
        print(
            f"{WRITERS} writers x {EACH} rows on one subject: {dict(together)}; "
            f"{together['PutItem'] / rows:.2f} puts and {together['Query'] / rows:.2f} "
            f"queries per row ({together['PutItem'] - rows} claims lost and retried)"
        )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
