"""What the nightly run collects from the inbox: names as typed, linked folders, loops.

Before, a name written on a Mac (decomposed Unicode, NFD) was shown and recorded as it
arrived, so the master's "Tệp nguồn" held text that is not NFC; a folder linked into the
inbox (an agency's upload folder) was skipped without a word, and so were its files.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from pathlib import Path

import pytest

from sync.collect import collect
from sync.config import SyncConfig
from sync.demo_data import generate_tasks, write_submission_xlsx
from sync.run import run_sync
from tests.sync_support import master_task_rows

NAME = "Hà Nội đề xuất.xlsx"
NFD = unicodedata.normalize("NFD", NAME)


def test_a_decomposed_name_is_collected_as_nfc_and_still_read(tmp_path: Path) -> None:
    (tmp_path / NFD).write_bytes(b"x")
    (c,) = collect(tmp_path)
    assert c.rel == NAME and unicodedata.is_normalized("NFC", c.rel)
    assert c.path.name == NFD and c.path.read_bytes() == b"x"  # the file as it is on disk


def test_two_names_differing_only_by_normalisation_are_both_kept(tmp_path: Path) -> None:
    (tmp_path / NFD).write_bytes(b"decomposed")
    (tmp_path / NAME).write_bytes(b"composed")
    found = collect(tmp_path)
    assert len(found) == 2 and len({c.rel for c in found}) == 2
    assert sorted(c.path.read_bytes() for c in found) == [b"composed", b"decomposed"]


def test_linked_folders_are_followed_once_and_loops_end(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    uploads = tmp_path / "uploads" / "nghe-an"
    uploads.mkdir(parents=True)
    (uploads / "de xuat.xlsx").write_bytes(b"x")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Bo Y te.xlsx").write_bytes(b"y")
    os.symlink(uploads, inbox / "nghe-an")
    os.symlink(uploads, inbox / "nghe-an (2)")  # the same folder linked twice
    os.symlink(inbox, inbox / "vong")  # a loop back to the inbox
    os.symlink(tmp_path / "missing.xlsx", inbox / "mat.xlsx")  # a link to nothing
    with caplog.at_level(logging.WARNING, logger="nscl.sync"):
        found = [c.rel for c in collect(inbox)]
    assert found == ["Bo Y te.xlsx", "nghe-an/de xuat.xlsx"]
    logged = caplog.text
    assert "mat.xlsx là liên kết tới tệp không còn" in logged
    assert "đã được thu thập" in logged


def test_the_master_names_a_decomposed_file_in_nfc(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_submission_xlsx(inbox / NFD, agency_code="tp-ha-noi", agency_name="Thành phố Hà Nội",
                          year=2027, tasks=generate_tasks(2, seed=3))
    config = SyncConfig(inbox=inbox, master=tmp_path / "out" / "master.xlsx",
                        state=tmp_path / "state", year=2027)
    outcome = run_sync(config)
    (agency,) = [a for a in outcome.result["agencies"] if a["file"]]
    assert agency["file"] == NAME and agency["tasks"] == 2
    rows = master_task_rows(config.master)
    assert [row["file"] for row in rows] == [NAME, NAME]
    # The next run finds the same file under the same name: nothing changed.
    assert run_sync(config).unchanged
