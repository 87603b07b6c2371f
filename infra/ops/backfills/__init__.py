"""Backfills: attributes a release needs on items stored before it (i19-backfills owns these)."""
