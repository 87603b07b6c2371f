"""An import whose kept plan is gone (uploaded before plans were kept, or expiring) is
answered "upload the file again", on its preview and on Apply, and no court date is written."""

from __future__ import annotations

import boto3
import pytest

from tests.helpers import csrf_in, page_text
from tests.integration.test_court_import_pages import (  # noqa: F401 (a fixture)
    DEMO_HEADER,
    apply_step,
    day_ahead,
    new_client,
    nothing_left_waiting,
    upload,
)


@pytest.fixture()
def dana(web):
    return web.sign_in("dana")


def test_an_import_without_its_kept_plan_asks_for_the_file_again(dana, stores):
    from chalicelib.store.models import CourtImportModel

    client = new_client(stores)
    import_id = upload(
        dana, f"{DEMO_HEADER}{client.id_number},{day_ahead(12)},10:00,1,,P-1\n".encode()
    )
    token = csrf_in(dana.get(f"/imports/{import_id}").body.decode())
    boto3.client("dynamodb").delete_item(
        TableName=CourtImportModel.Meta.table_name, Key={"import_id": {"S": f"{import_id}#rows#0"}}
    )
    shown = dana.get(f"/imports/{import_id}")
    assert shown.status_code == 404 and "Upload the file again" in page_text(shown)
    applied = apply_step(dana, import_id, token, as_json=False)
    assert applied.status_code == 404
    assert stores.appointments.for_client(client.client_id) == []
