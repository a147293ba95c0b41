"""Walk a repository the way it will be uploaded, without trusting it.

Never follows a symlink out of the repository, never descends into what the
upload leaves out (.git, venv, node_modules, any virtualenv, ...), never reads
file contents.
"""
from __future__ import annotations

import dataclasses
import os
import stat

# Directories that never reach Niblit; their presence is reported, their
# contents are not walked. `data` only at the top (the spec's `data/*`).
SKIPPED_DIRS = frozenset({".git", "venv", ".venv", "node_modules", "__pycache__"})
SKIPPED_TOP_DIRS = frozenset({"data"})
# deploy-check's own output folder (the action writes the zip there): never part of the upload.
OUTPUT_DIR = ".deploy-check"
MAX_DEPTH = 256
# A directory holding this file is a virtualenv whatever its name (`env/`,
# `myenv/`): never uploaded, never walked (it can hold 10,000s of files).
VENV_MARKER = "pyvenv.cfg"


@dataclasses.dataclass(frozen=True)
class FileEntry:
    """A regular file in the tree (or an in-tree symlink to one)."""

    path: str  # repo-relative, '/'-separated
    size: int
    symlink: bool = False


@dataclasses.dataclass
class Tree:
    """What the walk saw."""

    files: list[FileEntry] = dataclasses.field(default_factory=list)
    skipped_dirs: list[str] = dataclasses.field(default_factory=list)
    escaping_symlinks: list[str] = dataclasses.field(default_factory=list)
    special_files: list[str] = dataclasses.field(default_factory=list)
    unreadable: list[str] = dataclasses.field(default_factory=list)
    too_deep: list[str] = dataclasses.field(default_factory=list)
    # Additive: directories skipped because they hold pyvenv.cfg (also in skipped_dirs).
    virtualenvs: list[str] = dataclasses.field(default_factory=list)
    # Additive: in-tree symlinks that dangle or loop (nothing to upload).
    broken_symlinks: list[str] = dataclasses.field(default_factory=list)
    # Additive: entries whose name is not valid UTF-8, shown with \xNN escapes;
    # left out (no zip tool or report can name them faithfully).
    bad_names: list[str] = dataclasses.field(default_factory=list)


def _inside(root_real: str, target: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


def _valid_name(name: str) -> bool:
    # os.scandir decodes undecodable bytes as lone surrogates; such a str cannot
    # be printed, JSON-encoded as UTF-8 or stored in a zip faithfully.
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _display(rel: str) -> str:
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_virtualenv(directory: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(os.path.join(directory, VENV_MARKER)).st_mode)
    except OSError:
        return False


def walk(root: str) -> Tree:
    """Walk `root` (a directory) iteratively; sorted, deterministic output."""
    tree = Tree()
    root_real = os.path.realpath(root)
    stack: list[tuple[str, str, int]] = [(root_real, "", 0)]
    while stack:
        directory, prefix, depth = stack.pop()
        try:
            with os.scandir(directory) as entries:
                children = sorted(entries, key=lambda e: e.name)
        except OSError:
            tree.unreadable.append(prefix.rstrip("/") or ".")
            continue
        subdirs: list[tuple[str, str, int]] = []
        for entry in children:
            rel = prefix + entry.name
            if not _valid_name(entry.name):
                tree.bad_names.append(_display(rel))
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                tree.unreadable.append(rel)
                continue
            if stat.S_ISLNK(st.st_mode):
                _symlink(tree, root_real, entry.path, rel)
            elif stat.S_ISDIR(st.st_mode):
                if not prefix and entry.name == OUTPUT_DIR:
                    continue
                if entry.name in SKIPPED_DIRS or (not prefix and entry.name in SKIPPED_TOP_DIRS):
                    tree.skipped_dirs.append(rel)
                elif depth + 1 >= MAX_DEPTH:
                    tree.too_deep.append(rel)
                elif _is_virtualenv(entry.path):
                    tree.skipped_dirs.append(rel)
                    tree.virtualenvs.append(rel)
                else:
                    subdirs.append((entry.path, rel + "/", depth + 1))
            elif stat.S_ISREG(st.st_mode):
                tree.files.append(FileEntry(rel, st.st_size))
            else:
                tree.special_files.append(rel)
        stack.extend(reversed(subdirs))
    tree.files.sort(key=lambda f: f.path)
    return tree


def _symlink(tree: Tree, root_real: str, full: str, rel: str) -> None:
    try:
        target = os.path.realpath(full)
    except (OSError, RuntimeError, ValueError):  # a loop on some Pythons
        tree.broken_symlinks.append(rel)
        return
    if not _inside(root_real, target):
        tree.escaping_symlinks.append(rel)
        return
    try:
        st = os.stat(target)
    except OSError:  # dangling or a loop
        tree.broken_symlinks.append(rel)
        return
    if stat.S_ISREG(st.st_mode):
        tree.files.append(FileEntry(rel, st.st_size, symlink=True))
    # An in-tree symlink to a directory is not descended: its target is
    # walked under its own name already, and descending invites loops.
