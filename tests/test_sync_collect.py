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

from sync.collect import collect, scan
from sync.config import SyncConfig
from sync.demo_data import generate_tasks, write_submission
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
    write_submission(inbox / NFD, agency_code="tp-ha-noi", year=2027,
                     tasks=generate_tasks(2, seed=3))
    config = SyncConfig(inbox=inbox, master=tmp_path / "out" / "master.xlsx",
                        state=tmp_path / "state", year=2027)
    outcome = run_sync(config)
    (agency,) = [a for a in outcome.result["agencies"] if a["file"]]
    assert agency["file"] == NAME and agency["tasks"] == 2
    rows = master_task_rows(config.master)
    assert [row["file"] for row in rows] == [NAME, NAME]
    # The next run finds the same file under the same name: nothing changed.
    assert run_sync(config).unchanged


def test_files_that_are_not_spreadsheets_are_listed_with_what_to_do(tmp_path: Path) -> None:
    for name in ("Bo Y te.xlsx", "Tinh Ha Tinh.zip", "cong van.PDF", "ghi chu.docx",
                 "so lieu.csv", "mau.xltx", "README", "anh/chup.jpg", "Thumbs.db",
                 "desktop.ini", "~$Bo Y te.xlsx", ".an.zip", "~tam.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    contents = scan(tmp_path)
    assert [c.rel for c in contents.candidates] == ["Bo Y te.xlsx"]
    kinds = {o.file: o.code for o in contents.others}
    assert kinds == {
        "Tinh Ha Tinh.zip": "other-archive", "cong van.PDF": "other-pdf",
        "ghi chu.docx": "other-document", "so lieu.csv": "other-text",
        "mau.xltx": "other-spreadsheet-format", "README": "other-file",
        "anh/chup.jpg": "other-image",
    }
    assert [o.file for o in contents.others] == sorted(kinds)
    for other in contents.others:
        assert other.reason and unicodedata.is_normalized("NFC", other.reason)
        assert other.size == 1 and other.mtime_ns > 0
    assert "giải nén" in dict((o.file, o.reason) for o in contents.others)["Tinh Ha Tinh.zip"]
    assert collect(tmp_path) == contents.candidates
