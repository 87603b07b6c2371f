"""Binding models to the stage's table names and to the process's one DynamoDB client, and
creating tables where nothing else does."""

from __future__ import annotations

from pynamodb.models import Model

from ..config import Settings, get_settings
from .connection import SharedClientConnection, shared_client
from .models import ALL_MODELS, MODELS_OF_SHARED_TABLES

# bound like the rest; tables are created from ALL_MODELS only
_BASE_NAMES = {model: model.Meta.table_name for model in (*ALL_MODELS, *MODELS_OF_SHARED_TABLES)}


def base_name(model: type[Model]) -> str:
    return _BASE_NAMES[model]


def bind_tables(prefix: str, settings: Settings | None = None) -> None:
    """Point every model at ``{prefix}{base name}`` and at the shared client; cheap once
    bound (a few attribute checks), so callers do it on each use."""
    settings = settings or get_settings()
    for model, name in _BASE_NAMES.items():
        full = f"{prefix}{name}"
        if model.Meta.table_name != full:
            model.Meta.table_name = full
        share_client(model, settings)


def share_client(model: type[Model], settings: Settings) -> None:
    """Give ``model`` a connection that sends through the shared client.

    PynamoDB builds the model's table connection (with the table's schema) and caches it per
    table name; only its botocore side is swapped. A model whose ``Meta`` names its own region
    or host (the ops scripts) shares the client of that region and host.
    """
    region = model.Meta.region or settings.region
    endpoint_url = model.Meta.host or settings.aws_endpoint_url
    table = model._get_connection()
    current = table.connection
    if isinstance(current, SharedClientConnection) and current.shared is shared_client(
        region, endpoint_url
    ):
        return
    connection = SharedClientConnection(shared_client(region, endpoint_url))
    connection.add_meta_table(table.get_meta_table())
    table.connection = connection


def create_tables(prefix: str) -> None:
    """Create missing tables (local stack and tests; deployed stacks use CloudFormation)."""
    bind_tables(prefix)
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)
