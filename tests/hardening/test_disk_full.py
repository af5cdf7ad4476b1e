"""Issue 16, row 5: the disk fills while caching. The run stops with one clear error (DiskFull),
the previous dataset stays readable and unchanged, no temporary file stays behind, what was
already cached stays, and once there is space again the next run completes.

The disk is a real 4 MB tmpfs when this process may mount one (root in a container); elsewhere
the same test injects ENOSPC at the cache's write call.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ogi.errors import DiskFull
from publish import versions
from tests.hardening.support import GOOD, TEXT, ogi_run, read

pytestmark = pytest.mark.slow  # three in-process runs


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs at tmp_path/disk, or None when mounting is not permitted here."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        yield None
        return
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=30)


def _fill(mnt: Path, leave: int) -> Path:
    """Fill the disk until ``leave`` bytes are free."""
    st = os.statvfs(mnt)
    filler = mnt / "filler"
    filler.write_bytes(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.suffix in (".tmp", ".pkl") or p.name.endswith(".partial")
            or ".part-" in p.name]


def test_disk_full_while_caching_stops_cleanly_and_keeps_the_dataset(tmp_path, small_disk, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    for seed in GOOD[:2]:
        shutil.copy(TEXT / seed, src / seed)
    root = small_disk or tmp_path / "plain"
    out = root / "out"
    ogi_run(src, out)
    before = read(out).sort_values("report_id").reset_index(drop=True)
    cached = sorted((out / ".cache").rglob("*.json"))
    for k, seed in enumerate(GOOD):  # new bytes: three more reports to extract and cache
        (src / f"v{k}_{seed}").write_bytes((TEXT / seed).read_bytes() + b"\n" * (k + 1))
    if small_disk is not None:
        filler = _fill(small_disk, leave=16 * 1024)
    else:
        real = Path.write_text

        def no_space(self, *a, **k):
            if self.suffix == ".tmp":
                self.touch()  # a partial file, as a real full disk leaves one
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
            return real(self, *a, **k)

        monkeypatch.setattr(Path, "write_text", no_space)
    with pytest.raises(DiskFull, match="disk full while caching") as err:
        ogi_run(src, out)
    assert "\n" not in str(err.value)
    assert read(out).sort_values("report_id").reset_index(drop=True).equals(before)
    assert _leftovers(root) == []
    assert set(cached) <= set((out / ".cache").rglob("*.json"))
    if small_disk is not None:
        filler.unlink()
    else:
        monkeypatch.undo()
    result = ogi_run(src, out)
    assert result["reports"] == 5 and set(read(out)["status"]) == {"ok"}
    assert _leftovers(root) == []


def test_disk_full_while_publishing_leaves_no_half_version(tmp_path, monkeypatch):
    """ENOSPC injected at the Parquet write of a new version: the previous version stays current."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(TEXT / GOOD[0], src / GOOD[0])
    ogi_run(src, out)
    before = read(out)
    shutil.copy(TEXT / GOOD[1], src / GOOD[1])

    def no_space(table, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PAR1")  # half a file, as a full disk leaves it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(versions, "write_plain", no_space)
    with pytest.raises(DiskFull, match="writing the new dataset version"):
        ogi_run(src, out)
    assert read(out).equals(before)
    assert _leftovers(tmp_path) == [] and len(list((out / ".versions").iterdir())) == 1
