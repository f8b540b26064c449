"""Writing an edition onto a full disk or a read-only folder: a clear error, nothing marked, nothing changed."""

from __future__ import annotations

import os

import pytest
from reliability_scenarios import edition_output_broken, sqlite_url


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting the tiny tmpfs that fills up needs root")
def test_edition_on_full_or_read_only_disk_fails_clearly_and_changes_nothing(tmp_path):
    full, read_only = edition_output_broken(tmp_path, sqlite_url(tmp_path / "data" / "bantin.db"))
    out = tmp_path / "out"
    assert full.details["error"].startswith(f"cannot write edition file {out}/") and "No space left" in full.details["error"]
    assert full.details["left_behind"] == []  # no half-written edition folder or temporary file
    assert "Read-only file system" in read_only.details["error"] and str(out) in read_only.details["error"]
    assert full.details["archive_unchanged"] and read_only.details["archive_unchanged"]  # no edition row, nothing marked
    info = full.details
    assert info["recovered_created"] and info["recovered_items"] == 12  # the same period works once the disk is fine
    assert info["delivered"] == [True] and info["files"] == ["edition.html", "edition.md", "edition.txt"]
    for result in (full, read_only):
        assert (result.stored, result.duplicated, result.lost) == (1, 0, 0)
