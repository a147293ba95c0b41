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

from deploy_check import spec

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
