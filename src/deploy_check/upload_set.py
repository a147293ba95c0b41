"""What goes into the upload zip: one predicate shared by upload-size and the zip writer.

The spec builds the zip with

    zip -r my-app.zip . -x "*.git*" -x "__pycache__/*" -x "*.pyc" -x ".env" \\
        -x "venv/*" -x ".venv/*" -x "data/*"

zip's `*` matches across `/`, so `*.git*` drops every path that contains
`.git` anywhere (`.gitignore`, `.github/...`, `sub/.git/...`), and `*.pyc`
drops compiled files at any depth; `.env` and `data/*` only at the root.
The walk (deploy_check.walk) already leaves out whole directories the spec
forbids at any depth (`__pycache__`, `venv`, `.venv`, `node_modules`, `.git`,
any virtualenv); this predicate repeats those so a path list that did not come
from the walk is judged the same way.

Deliberately kept from the spec's command: a `.env.production` or a nested
`config/.env` is *not* excluded here (the command would upload it);
the `secret-file` rule reports those as errors instead of silently hiding them.
"""
from __future__ import annotations

import dataclasses

from deploy_check import spec
from deploy_check.project import Project

# Directory names left out wherever they appear (the walk never descends them).
_ANY_DEPTH_DIRS = frozenset(spec.FORBIDDEN_DIRS)
# Directory names left out only at the repository root (`data/*`).
_TOP_DIRS = frozenset(spec.ZIP_EXCLUDED_TOP_DIRS)


def excluded_reason(path: str) -> str | None:
    """Why the repo-relative, `/`-separated `path` is left out of the zip, or None.

    The reason is the spec's zip pattern that drops it (e.g. `"*.pyc"`).
    """
    parts = path.split("/")
    if ".git" in path:
        return "*.git*"
    if path.endswith(".pyc"):
        return "*.pyc"
    if path == spec.SECRET_FILE:
        return spec.SECRET_FILE
    if len(parts) > 1 and parts[0] in _TOP_DIRS:
        return f"{parts[0]}/*"
    for part in parts[:-1]:
        if part in _ANY_DEPTH_DIRS:
            return f"{part}/*"
    return None


def included(path: str) -> bool:
    """Does the spec's zip command put `path` (repo-relative, `/`-separated) in the zip?"""
    return excluded_reason(path) is None


@dataclasses.dataclass(frozen=True)
class LeftOut:
    """A kind of entry the walk saw but never uploads: the `Tree` list that holds them, what
    the zip report says about each, and how forbidden-file reports it."""

    attribute: str  # the deploy_check.walk.Tree list
    reason: str  # in the zip report's `excluded`
    message: str  # forbidden-file's finding
    hint: str
    directory: bool = False  # the paths name directories (shown with a trailing /)


# Everything besides the spec's patterns that the zip leaves out: the zip's `excluded` and
# forbidden-file's findings both come from this table.
LEFT_OUT = (
    LeftOut("escaping_symlinks", "symlink pointing outside the repository (never followed)",
            "symlink points outside the repository: not followed, left out of the zip",
            "replace the link with the file itself"),
    LeftOut("broken_symlinks", "dangling or looping symlink",
            "symlink is dangling or loops: left out of the zip",
            "delete the link or point it at a file inside the repository"),
    LeftOut("special_files", "not a regular file (FIFO, socket or device)",
            "not a regular file (FIFO, socket or device): left out of the zip", "delete it"),
    LeftOut("unreadable", "unreadable",
            "cannot be read: not checked, left out of the zip", "fix its permissions or delete it"),
    LeftOut("too_deep", "directory nested too deep (never read)",
            "directory nested too deep: not checked, left out of the zip", "flatten the directory structure",
            directory=True),
    LeftOut("bad_names", "file name is not valid UTF-8",
            "file name is not valid UTF-8: not checked, left out of the zip", "rename it with UTF-8 characters"),
)


def left_out(project: Project) -> list[tuple[LeftOut, str]]:
    """Each entry of the LEFT_OUT kinds in the walked tree, with its path, in table order."""
    return [(kind, path) for kind in LEFT_OUT for path in getattr(project.tree, kind.attribute, ())]


def upload_paths(project: Project) -> tuple[list[str], list[dict[str, str]]]:
    """What goes into the zip, and what is left out with why ({"path", "reason"}, by path)."""
    kept: list[str] = []
    excluded: list[dict[str, str]] = []
    for entry in project.files:
        reason = excluded_reason(entry.path)
        if reason is None:
            kept.append(entry.path)
        else:
            excluded.append({"path": entry.path, "reason": reason})
    for path in project.tree.skipped_dirs:
        excluded.append({"path": path + "/", "reason": excluded_reason(path + "/x") or "not part of the upload"})
    for kind, path in left_out(project):
        excluded.append({"path": path + "/" if kind.directory else path, "reason": kind.reason})
    return kept, sorted(excluded, key=lambda item: item["path"])
