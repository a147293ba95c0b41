"""A deterministic, streaming zip of the upload set: same tree, same bytes.

Entries are sorted, timestamps fixed (1980-01-01), permissions normalised
(0644, or 0755 when executable), no extra fields, formats compressed already stored as they are; contents are streamed in
chunks, so memory stays flat whatever the tree's size. In-tree symlinks are
stored as their target's content; anything outside the repository is never
read.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterable

CHUNK = 1024 * 1024
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
COMPRESSION_LEVEL = 6
# Formats that are compressed already: deflating them again costs most of a zip's time on
# an app with images and saves nothing, so they are stored as they are (Info-ZIP's -n).
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic", ".mp3", ".mp4", ".m4a", ".m4v",
                   ".ogg", ".oga", ".webm", ".mov", ".woff", ".woff2", ".zip", ".gz", ".tgz", ".bz2", ".xz",
                   ".zst", ".7z", ".rar", ".whl", ".jar", ".br")


@dataclasses.dataclass(frozen=True)
class ZipResult:
    path: str
    bytes: int
    files: int
    sha256: str
    skipped: tuple[tuple[str, str], ...]  # (path, reason) read failures during the write


class UnsafePath(Exception):
    """A file resolved outside the repository between the walk and the write."""


def _open_inside(root: str, rel: str) -> tuple[int, os.stat_result]:
    """Open an in-tree file for reading; refuse anything that resolves outside `root`."""
    full = os.path.join(root, *rel.split("/"))
    real = os.path.realpath(full)
    if not (real.startswith(root.rstrip(os.sep) + os.sep)):
        raise UnsafePath(rel)
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UnsafePath(rel)
    return fd, st


def write_zip(root: str, paths: Iterable[str], destination: str) -> ZipResult:
    """Zip `paths` (repo-relative) from `root` into `destination`, atomically."""
    root = os.path.realpath(root)
    directory = os.path.dirname(os.path.abspath(destination)) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".deploy-check-", suffix=".zip.tmp")
    os.close(fd)
    files = 0
    skipped: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL,
                             allowZip64=True, strict_timestamps=False) as archive:
            for rel in sorted(set(paths)):
                try:
                    handle, st = _open_inside(root, rel)
                except (OSError, UnsafePath) as error:
                    skipped.append((rel, "outside the repository" if isinstance(error, UnsafePath) else "unreadable"))
                    continue
                info = zipfile.ZipInfo(rel, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_STORED if rel.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
                info.create_system = 3
                mode = 0o755 if st.st_mode & 0o111 else 0o644
                info.external_attr = (stat.S_IFREG | mode) << 16
                with os.fdopen(handle, "rb") as source, archive.open(info, "w", force_zip64=st.st_size > 2**31) as sink:
                    while True:
                        chunk = source.read(CHUNK)
                        if not chunk:
                            break
                        sink.write(chunk)
                files += 1
        digest = hashlib.sha256()
        with open(tmp, "rb") as written:
            for chunk in iter(lambda: written.read(CHUNK), b""):
                digest.update(chunk)
        size = os.path.getsize(tmp)
        os.replace(tmp, destination)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return ZipResult(destination, size, files, digest.hexdigest(), tuple(skipped))
