"""Nightly consolidation: every agency's submission in a folder -> the master workbook.

The pipeline (:mod:`sync.run`) collects files from an inbox folder, archives their raw
bytes by hash, records every version and every run in a SQLite ledger, validates the
current file of each agency with the validation engine, writes the master workbook
atomically, sends marked copies back through an outbox folder and reports in Vietnamese.
Each concept lives in its own module: config, collect, ledger, archive, lock, cache,
changes, completeness, consolidate (per-form consolidators), master, feedback, summary,
run, demo_data, commands.
"""
