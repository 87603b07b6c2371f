"""Scripts an ops team runs against a deployed stack (see docs/operations.md).

Each is ``python -m infra.ops.<name> --help``; each takes ``--jurisdiction`` and ``--dry-run``.
"""
