"""Backfills: attributes a release needs on items stored before it, declared per release.

``registry.py`` lists them (``BACKFILLS``, ``backfills_between``); ``runner.py`` runs one
over its table (Scan, a conditional UpdateItem per item, paced, with a checkpoint); each
other module is one backfill's rule for a single item. ``python -m infra.ops.backfill``
runs them by name; ``make upgrade-plan`` runs them between the steps that need them.
"""
