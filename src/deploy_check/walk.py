"""Walk a repository the way it will be uploaded, without trusting it.

Never follows a symlink out of the repository, never descends into what the
upload leaves out (.git, venv, node_modules, ...), never reads file contents.
"""
from __future__ import annotations

import dataclasses
import os
import stat

# Directories that never reach Niblit; their presence is reported, their
# contents are not walked. `data` only at the top (the spec's `data/*`).
SKIPPED_DIRS = frozenset({".git", "venv", ".venv", "node_modules", "__pycache__"})
SKIPPED_TOP_DIRS = frozenset({"data"})
MAX_DEPTH = 256


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


def _inside(root_real: str, target: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


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
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                tree.unreadable.append(rel)
                continue
            if stat.S_ISLNK(st.st_mode):
                _symlink(tree, root_real, entry.path, rel)
            elif stat.S_ISDIR(st.st_mode):
                if entry.name in SKIPPED_DIRS or (not prefix and entry.name in SKIPPED_TOP_DIRS):
                    tree.skipped_dirs.append(rel)
                elif depth + 1 >= MAX_DEPTH:
                    tree.too_deep.append(rel)
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
    except (OSError, RuntimeError):
        tree.escaping_symlinks.append(rel)
        return
    if not _inside(root_real, target):
        tree.escaping_symlinks.append(rel)
        return
    try:
        st = os.stat(target)
    except OSError:  # dangling or a loop
        tree.escaping_symlinks.append(rel)
        return
    if stat.S_ISREG(st.st_mode):
        tree.files.append(FileEntry(rel, st.st_size, symlink=True))
    # An in-tree symlink to a directory is not descended: its target is
    # walked under its own name already, and descending invites loops.
