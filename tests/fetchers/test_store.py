"""RawStore: content addressing, never overwriting, manifest rows, page bodies."""

from __future__ import annotations

import hashlib

from fetchers.store import ManifestEntry, RawStore


def test_files_by_hash_once(tmp_path):
    with RawStore(tmp_path / "raw") as store:
        data = b"%PDF-1.4 fake"
        a = store.put_file(data, "application/pdf", ".pdf")
        sha = hashlib.sha256(data).hexdigest()
        assert a.sha256 == sha and a.is_new
        assert a.path == tmp_path / "raw" / sha[:2] / f"{sha}.pdf"
        assert a.path.read_bytes() == data
        b = store.put_file(data, "application/pdf", ".pdf")
        assert not b.is_new and b.path == a.path
        assert store.files() == [a.path]


def test_existing_file_is_never_overwritten(tmp_path):
    with RawStore(tmp_path) as store:
        data = b"hello report"
        path = store.path_for(hashlib.sha256(data).hexdigest(), ".txt")
        path.parent.mkdir(parents=True)
        path.write_bytes(b"tampered")  # someone left a file at the address
        out = store.put_file(data, "text/plain", ".txt")
        assert not out.is_new and path.read_bytes() == b"tampered"


def test_manifest_round_trip_and_reopen(tmp_path):
    entry = ManifestEntry("http://h/a.pdf", "ab" * 32, '"e1"', "Wed, 10 Jan 2024 08:00:00 GMT",
                          "2024-01-10T08:00:00+00:00", 200, "application/pdf", "年报.pdf", "http://h/art.html",
                          "report")
    with RawStore(tmp_path) as store:
        assert store.lookup(entry.url) is None
        store.record(entry)
    with RawStore(tmp_path) as store:
        assert store.lookup(entry.url) == entry
        store.record(ManifestEntry(entry.url, None, None, None, "2024-02-01T00:00:00+00:00", 404, None, None,
                                   None, "report"))
        assert store.lookup(entry.url).http_status == 404


def test_pages_live_in_the_manifest_not_in_raw(tmp_path):
    with RawStore(tmp_path / "raw") as store:
        sha = store.put_page("<html>列表</html>".encode("gbk"))
        assert store.body(sha) == "<html>列表</html>".encode("gbk")
        assert store.files() == []
        assert [p.name for p in (tmp_path / "raw").iterdir()] == ["manifest.sqlite"]
        assert store.body("0" * 64) is None
