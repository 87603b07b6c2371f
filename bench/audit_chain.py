"""DynamoDB round trips of the audit trail's hash chain, now that chain-audit links rows
from the audit table's stream instead of at write time.

The write path: an audited write's round trips with its audit row, counted with botocore's
event counters (harness.counting): a row saved alone is one PutItem, a row in a transaction
adds nothing (0 extra: no read of the chain first). The chainer: what chain-audit costs per
row, run here in-process on batches as the stream hands them over (rows of one subject in
a batch; rows of as many subjects as rows), and WRITERS threads appending to one subject
at once, linked afterwards by the local stack's own stream reader (no lost claims: the
writers never meet on a number).

    .venv/bin/python -m bench.audit_chain
"""

from __future__ import annotations

import contextvars
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.harness import counting, install_counter, start_stack

WRITERS = 8
EACH = 5
BATCH = 20


def main() -> None:
    install_counter()
    stack = start_stack(seed=False)
    try:
        from pynamodb.transactions import TransactWrite

        from chalicelib.domain.audit_chain import Row
        from chalicelib.services.audit_chainer import link_rows
        from chalicelib.store.audit import audit_row
        from chalicelib.store.audit_chains import AuditChains
        from chalicelib.store.audit_links import AuditLinks
        from chalicelib.store.transactions import transactions

        about = f"client#bench-{secrets.token_hex(4)}"
        with counting() as alone:
            audit_row(about, "someone", "view").save()
        print(f"write path, a row alone: {dict(alone)}")
        with counting() as in_tx:
            row = audit_row(about, "someone", "send")
            with TransactWrite(connection=transactions()) as tx:
                tx.save(row)
        print(f"write path, a row in a transaction: {dict(in_tx)} (the transaction itself)")

        def rows(subjects: list[str]) -> list[Row]:
            made = []
            for n, subject in enumerate(subjects):
                at = f"2026-12-01T10:00:{n:02d}.000000Z#{secrets.token_hex(4)}"
                made.append(Row(subject, at, at, "someone", "view", {}))
            return made

        one = f"client#bench-{secrets.token_hex(4)}"
        with counting() as same:
            link_rows(rows([one] * BATCH), AuditLinks())
        print(f"chainer, {BATCH} rows of one subject: {dict(same)}; {per_row(same, BATCH)}")
        many = [f"client#bench-{secrets.token_hex(4)}" for _ in range(BATCH)]
        with counting() as spread:
            link_rows(rows(many), AuditLinks())
        print(
            f"chainer, {BATCH} rows of {BATCH} subjects: {dict(spread)}; {per_row(spread, BATCH)}"
        )

        busy = f"client#bench-{secrets.token_hex(4)}"
        start = threading.Barrier(WRITERS)

        def writer(_: int) -> None:
            start.wait(timeout=30)
            for _ in range(EACH):
                audit_row(busy, "someone", "view").save()

        with counting() as together, ThreadPoolExecutor(max_workers=WRITERS) as pool:
            runs = [contextvars.copy_context() for _ in range(WRITERS)]
            list(pool.map(lambda n: runs[n].run(writer, n), range(WRITERS)))
        total = WRITERS * EACH
        deadline = time.monotonic() + 60
        while len(AuditChains().chain(busy).links) < total and time.monotonic() < deadline:
            time.sleep(0.2)
        print(
            f"{WRITERS} writers x {EACH} rows on one subject: {dict(together)} "
            f"({together['PutItem'] / total:.2f} puts a row, nothing else); "
            f"linked by the stream: {len(AuditChains().chain(busy).links)} of {total}"
        )
    finally:
        stack.stop()


def per_row(calls, rows: int) -> str:
    return f"{sum(calls.values()) / rows:.2f} round trips a row"


if __name__ == "__main__":
    main()
