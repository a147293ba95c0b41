"""Something the upload must not contain is in the repository; it is left out of the zip.

## Why it breaks on Niblit
The spec forbids `node_modules/`, `__pycache__/`, `.git/`, `venv/` and
`.venv/` in the upload, and its zip command leaves out `*.pyc`, `.git*`,
`venv/`, `.venv/` and `data/`. They are machine-specific or huge (a
virtualenv's compiled packages do not run in the image, which installs
`requirements.txt` itself) and `data/` is your local copy of the persistent
disk: uploading it would not restore it. deploy-check's zip leaves them out
too and says so here, so nothing disappears silently. A directory holding
`pyvenv.cfg` is a virtualenv whatever its name.

Also reported, each left out of the zip: symlinks that point outside the
repository (never followed: the zip must not carry files from your machine),
dangling or looping symlinks, FIFOs, sockets and devices, entries that
cannot be read, file names that are not valid UTF-8, and directories nested
deeper than the walk goes. The first 20 are listed, then a count.

The repository's own top-level `.git/` is not reported: every checkout has
one and the zip always leaves it out. A nested `.git/` (an embedded
repository) is.

## How to fix
`--fix` lists the directories and `*.pyc` in `.gitignore` (it never deletes
anything: they are yours, and they stay out of the zip either way).
Delete them from the repository and list them in `.gitignore`; keep the
virtualenv outside the project folder or name it `venv`/`.venv`; replace an
outside symlink with the file itself.

## Example
Bad:
```text
app.py
venv/
__pycache__/app.cpython-312.pyc
```
Good (`.gitignore`):
```text
venv/
__pycache__/
*.pyc
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Fix
from deploy_check.fixing.gitignore import ignore_fix
from deploy_check.fixing.gitignore import pattern_for
from deploy_check.project import Project
from deploy_check.rules.base import Rule
from deploy_check.upload_set import left_out

RULE = Rule("forbidden-file", severity="warning", doc=__doc__, fix="safe")

# Per-path findings (symlinks, FIFOs, ...) beyond this become one summary.
MAX_LISTED = 20

_DIR_KINDS = {
    "node_modules": ("node_modules/", "installed JavaScript packages"),
    "__pycache__": ("__pycache__/", "Python bytecode caches"),
    "venv": ("venv/", "a virtualenv"),
    ".venv": (".venv/", "a virtualenv"),
    ".git": (".git/", "an embedded Git repository"),
    "data": ("data/", "local data (Niblit's /data disk is not filled from the zip)"),
}


def check(project: Project) -> Iterator[Finding]:
    tree = project.tree
    groups: dict[str, list[str]] = {}
    virtualenvs = set(tree.virtualenvs)
    for path in tree.skipped_dirs:
        name = path.rsplit("/", 1)[-1]
        if path == ".git":
            continue  # the checkout's own metadata: always there, always left out
        key = "virtualenv" if path in virtualenvs and name not in _DIR_KINDS else name
        groups.setdefault(key, []).append(path)
    for key in sorted(groups):
        paths = groups[key]
        label, what = _DIR_KINDS.get(key, ("a virtualenv directory", "a virtualenv (has pyvenv.cfg)"))
        if key in _DIR_KINDS:
            # The zip leaves these out only at the root: anchor them there.
            pattern = f"/{key}/" if key in spec.ZIP_EXCLUDED_TOP_DIRS else label
        else:
            pattern = pattern_for(paths[0], directory=True)
        # An embedded repository is not ignored by a line: it is a submodule or a mistake.
        fix = None if key == ".git" else ignore_fix(project, paths, pattern, directory=True)
        yield _group_finding(label, what, paths, directories=True, fix=fix)
    pyc = [f.path for f in tree.files if f.path.endswith(".pyc")]
    if pyc:
        fix = ignore_fix(project, pyc, "*.pyc", directory=False)
        yield _group_finding("*.pyc", "compiled Python files", pyc, directories=False, fix=fix)
    yield from _one_by_one(project)


def _group_finding(label: str, what: str, paths: list[str], *, directories: bool, fix: Fix | None) -> Finding:
    unit = "director" + ("ies" if len(paths) != 1 else "y") if directories else (
        "files" if len(paths) != 1 else "file"
    )
    more = f" ({len(paths)} {unit}, first {paths[0]})" if len(paths) > 1 else ""
    return RULE.finding(
        f"{label} in the repository: {what}{more}; left out of the upload zip",
        at=Location(paths[0]),
        hint="delete it and add it to .gitignore; the image installs what requirements.txt lists",
        fix=fix,
    )


def _one_by_one(project: Project) -> Iterator[Finding]:
    shown = 0
    hidden = 0
    for kind, path in left_out(project):
        if shown < MAX_LISTED:
            shown += 1
            yield RULE.finding(kind.message, at=Location(path), hint=kind.hint)
        else:
            hidden += 1
    if hidden:
        yield RULE.finding(
            f"{hidden} more symlinks, special or unreadable entries not listed: "
            "left out of the zip",
            at=Location(None),
            hint="list them with `find . -type l -o ! -type f ! -type d`",
        )


def judge_zip(skipped: tuple[tuple[str, str], ...]) -> list[Finding]:
    """Files the zip could not read when it wrote them ((path, reason)): left out too."""
    return [RULE.finding(f"{path}: {reason}; left out of the zip", Location(path)) for path, reason in skipped]
