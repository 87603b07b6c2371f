"""Every model and every transaction send through one botocore client, with bounded calls.

Building a client sends nothing, so these need no moto. They use a scratch model, so the
app's own models (shared with the integration tests' running stack) are left alone.
"""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.config import get_settings
from chalicelib.store.connection import SharedClientConnection, shared_client
from chalicelib.store.tables import share_client
from chalicelib.store.transactions import transactions


class ScratchModel(Model):
    class Meta:
        table_name = "scratch-a"

    key = UnicodeAttribute(hash_key=True)


class OtherScratchModel(Model):
    class Meta:
        table_name = "scratch-b"

    key = UnicodeAttribute(hash_key=True)


def test_connections_for_one_region_and_endpoint_send_through_one_client():
    shared = shared_client("us-west-2", "http://127.0.0.1:9")
    first, second = SharedClientConnection(shared), SharedClientConnection(shared)
    assert first.client is second.client


def test_the_shared_client_bounds_every_call(monkeypatch):
    from chalicelib.store.connection import LOCAL_READ_TIMEOUT_ENV, client_config

    monkeypatch.delenv(LOCAL_READ_TIMEOUT_ENV, raising=False)  # as on AWS
    config = client_config()
    assert config.connect_timeout <= 2 and config.read_timeout <= 5
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    shared = shared_client("us-west-2", "http://127.0.0.1:9").get().meta.config
    assert shared.retries == config.retries and shared.connect_timeout == config.connect_timeout


def test_only_the_local_stack_waits_longer_for_moto(monkeypatch):
    from chalicelib.store.connection import LOCAL_READ_TIMEOUT_ENV, client_config

    monkeypatch.setenv(LOCAL_READ_TIMEOUT_ENV, "10")
    assert client_config().read_timeout == 10


def test_models_and_transactions_share_the_client_and_keep_their_schemas():
    settings = get_settings()
    share_client(ScratchModel, settings)
    share_client(OtherScratchModel, settings)
    a, b = ScratchModel._get_connection(), OtherScratchModel._get_connection()
    assert a.connection.client is b.connection.client is transactions().client
    assert a.get_meta_table().table_name == "scratch-a"
    assert b.get_meta_table().table_name == "scratch-b"


def test_a_renamed_table_keeps_the_shared_client():
    settings = get_settings()
    share_client(ScratchModel, settings)
    before = ScratchModel._get_connection().connection.client
    ScratchModel.Meta.table_name = "scratch-a-renamed"
    try:
        share_client(ScratchModel, settings)
        renamed = ScratchModel._get_connection()
        assert renamed.table_name == "scratch-a-renamed"
        assert renamed.connection.client is before
    finally:
        ScratchModel.Meta.table_name = "scratch-a"


def test_another_region_or_endpoint_gets_its_own_client():
    here = shared_client("us-west-2", None)
    assert shared_client("us-west-2", None) is here
    assert shared_client("eu-central-1", None) is not here
    assert shared_client("us-west-2", "http://127.0.0.1:9") is not here
