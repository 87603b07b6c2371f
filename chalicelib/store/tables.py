"""Binding models to the stage's table names, and creating tables where nothing else does."""

from __future__ import annotations

from pynamodb.models import Model

from .models import ALL_MODELS

_BASE_NAMES = {model: model.Meta.table_name for model in ALL_MODELS}


def base_name(model: type[Model]) -> str:
    return _BASE_NAMES[model]


def bind_tables(prefix: str) -> None:
    """Point every model at ``{prefix}{base name}``; cheap, so callers do it on each use."""
    for model, name in _BASE_NAMES.items():
        full = f"{prefix}{name}"
        if model.Meta.table_name != full:
            model.Meta.table_name = full


def create_tables(prefix: str) -> None:
    """Create missing tables (local stack and tests; deployed stacks use CloudFormation)."""
    bind_tables(prefix)
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)
