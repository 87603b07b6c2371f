"""Page weights: what a first view downloads, raw and gzip-compressed, against issue 23's
budgets (conversation < 100 KB, caseload of 110 clients < 60 KB, compressed, CSS and JS
included).

The conversation shows 30 texts of varied length, a court date with its reminders, a past
appointment and two scheduled texts; the caseload is a case manager's own 110 clients
(its first page, as it opens). The measuring is tests/page_weights.py, which
tests/integration/test_page_weights.py uses to hold the budgets.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import on_a_stack, web_client


def main() -> None:
    on_a_stack(run, seed=False)


def run(stack) -> None:
    from chalicelib import bootstrap
    from tests import page_weights
    from tests.helpers import WebVisitor, fresh_phone
    from tests.integration.session_tools import PASSWORD, new_staff

    stores = bootstrap.stores()
    now = datetime.now(UTC)
    talker, busy = new_staff(stack, stores), new_staff(stack, stores)
    client_id = page_weights.conversation_client(stores, talker.user_id, fresh_phone(), now)
    phones = iter(fresh_phone, None)
    page_weights.caseload_of(stores, busy.user_id, phones, now)
    with web_client() as client:
        first = WebVisitor(client.http).sign_in(talker.user_id, PASSWORD)
        conversation = page_weights.weigh(first, f"/clients/{client_id}")
        second = WebVisitor(client.http).sign_in(busy.user_id, PASSWORD)
        caseload = page_weights.weigh(second, "/caseload")
    print(page_weights.report(conversation, page_weights.CONVERSATION_BUDGET))
    print(page_weights.report(caseload, page_weights.CASELOAD_BUDGET))
    print(f"(gzip level {page_weights.GZIP_LEVEL}; KB = 1,024 bytes)")


if __name__ == "__main__":
    main()
