"""Reading and writing the files a fix touches, without trusting the tree.

A target must lie inside the repository, reached through no symbolic link; it is
a regular file (or does not exist yet, in an existing directory), writable, of
bounded size. A write goes to a temporary file beside the target, keeps its mode,
and replaces it in one rename: a reader sees the old file or the new one, never
half of either.
"""
from __future__ import annotations

import os
import posixpath
import stat
import tempfile

# A file larger than this is never rewritten (no fix edits a 2 MB text file).
MAX_FIX_BYTES = 2 * 1024 * 1024


class Refused(Exception):
    """A file a fix may not touch; str(error) is the one-line reason, path first."""


def full_path(root: str, path: str) -> str:
    """The absolute path of the repo-relative `path`; Refused when it is not a plain relative
    path inside `root` or when a directory on the way is a symbolic link."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        raise Refused(f"{path!r}: not a path inside the repository")
    if posixpath.normpath(path) != path or path.split("/")[0] == "..":
        raise Refused(f"{path}: not a plain path inside the repository")
    current = os.path.realpath(root)
    for part in path.split("/")[:-1]:
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            raise Refused(f"{path}: its folder {part}/ does not exist") from None
        if stat.S_ISLNK(mode):
            raise Refused(f"{path}: {part}/ is a symbolic link; not changed")
        if not stat.S_ISDIR(mode):
            raise Refused(f"{path}: {part} is not a folder")
    return os.path.join(current, path.split("/")[-1])


def read_target(root: str, path: str) -> bytes | None:
    """The current bytes of `path` (None: it does not exist); Refused when a fix may not
    change it."""
    full = full_path(root, path)
    try:
        st = os.lstat(full)
    except FileNotFoundError:
        if not os.access(os.path.dirname(full), os.W_OK):
            raise Refused(f"{path}: its folder is read-only; not created") from None
        return None
    if stat.S_ISLNK(st.st_mode):
        raise Refused(f"{path}: is a symbolic link; not changed (fix the file it points to by hand)")
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"{path}: not a regular file; not changed")
    if st.st_size > MAX_FIX_BYTES:
        raise Refused(f"{path}: larger than {MAX_FIX_BYTES // (1024 * 1024)} MB; not changed")
    if not os.access(full, os.W_OK) or not st.st_mode & stat.S_IWUSR:
        raise Refused(f"{path}: is read-only; not changed")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(full, flags)
    except OSError as error:
        raise Refused(f"{path}: cannot be read ({error.strerror}); not changed") from None
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def replace_file(root: str, path: str, old: bytes | None, new: bytes) -> None:
    """Write `new` as `path`, atomically, if it still holds `old` (None: still absent);
    Refused otherwise."""
    if read_target(root, path) != old:
        raise Refused(f"{path}: changed while deploy-check ran; not changed")
    full = full_path(root, path)
    directory = os.path.dirname(full)
    mode = stat.S_IMODE(os.lstat(full).st_mode) if old is not None else 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=".deploy-check-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if old is None:
            # link() fails if the name appeared meanwhile: a new file never replaces one.
            os.link(temporary, full)
            os.unlink(temporary)
        else:
            os.replace(temporary, full)
    except FileExistsError:
        _unlink_quietly(temporary)
        raise Refused(f"{path}: appeared while deploy-check ran; not changed") from None
    except OSError as error:
        _unlink_quietly(temporary)
        raise Refused(f"{path}: could not be written ({error.strerror}); not changed") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
