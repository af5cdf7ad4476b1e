"""The content hash and the report id (ogi.hashing): the same bytes are one report under any name."""

from __future__ import annotations

import hashlib

from ogi.hashing import file_sha256, file_sha256_or_empty, report_id_for


def test_file_hash_is_the_hash_of_its_bytes_across_chunks(tmp_path):
    data = bytes(range(256)) * 9000  # over one read chunk
    f = tmp_path / "a.pdf"
    f.write_bytes(data)
    assert file_sha256(f) == file_sha256_or_empty(str(f)) == hashlib.sha256(data).hexdigest()


def test_unreadable_file_has_no_hash_and_an_id_from_its_key(tmp_path):
    assert file_sha256_or_empty(tmp_path / "gone.pdf") == ""
    assert report_id_for("", "a/gone.pdf") != report_id_for("", "b/gone.pdf")
    assert len(report_id_for("", "a/gone.pdf")) == 16


def test_report_id_follows_the_content_not_the_key():
    sha = hashlib.sha256(b"report").hexdigest()
    assert report_id_for(sha, "a.pdf") == report_id_for(sha, "b/c.pdf") == sha[:16]
