"""The lines a pull request changed: from the pull request's files API, or `git diff base...head`.

A line counts as changed when the pull request added it (a `+` line of the diff, with its
line number in the head). The text of each added line is kept, so a suggestion can check
that the lines it would replace are the ones the reviewer sees. A file the API lists
without a patch (too large, binary) counts as changed throughout.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterable

from deploy_check.rest import Rest

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
MAX_PATCH_CHARS = 8 * 1024 * 1024
MAX_GIT_DIFF_BYTES = 64 * 1024 * 1024


@dataclasses.dataclass
class ChangedLines:
    """Per repository path (`/`-separated, from the repository's root): the added lines and
    their text; `whole` holds files changed where the diff is not known line by line."""

    lines: dict[str, dict[int, str]] = dataclasses.field(default_factory=dict)
    whole: set[str] = dataclasses.field(default_factory=set)
    source: str = ""  # "api" or "git", for the summary

    def touches(self, path: str, line: int | None) -> bool:
        """Whether the pull request changed `line` of `path` (any line, for line None)."""
        if path in self.whole:
            return True
        added = self.lines.get(path)
        if added is None:
            return False
        return line is None or line in added

    def covers(self, path: str, first: int, last: int) -> bool:
        """Every line of first..last was added by the pull request, with a known text."""
        added = self.lines.get(path, {})
        return all(number in added for number in range(first, last + 1))

    def text(self, path: str, line: int) -> str | None:
        return self.lines.get(path, {}).get(line)


def parse_patch(patch: str) -> dict[int, str]:
    """The added lines of one file's unified diff hunks: {head line number: text}."""
    added: dict[int, str] = {}
    number = 0
    for raw in patch[:MAX_PATCH_CHARS].split("\n"):
        match = _HUNK.match(raw)
        if match:
            number = int(match.group(1))
            continue
        if number == 0 or raw.startswith("\\"):  # before the first hunk; "\ No newline at end of file"
            continue
        if raw.startswith("+"):
            added[number] = raw[1:].rstrip("\r")
            number += 1
        elif raw.startswith(" ") or raw == "":
            number += 1
        # "-" lines are the base's: they take no head line number
    return added


def from_api(rest: Rest, repository: str, number: int) -> ChangedLines:
    """GET /repos/{repository}/pulls/{number}/files (up to GitHub's 3,000 files)."""
    changed = ChangedLines(source="api")
    for item in rest.pages(f"/repos/{repository}/pulls/{number}/files"):
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
            continue
        if item.get("status") == "removed":
            continue
        path = item["filename"]
        patch = item.get("patch")
        if isinstance(patch, str):
            changed.lines[path] = parse_patch(patch)
        else:
            changed.whole.add(path)
    return changed


def from_git(repository_root: str, base: str, head: str) -> ChangedLines | None:
    """`git diff base...head` in the checkout; None when git or the commits are not there
    (a shallow clone: fetch-depth 0 brings the base)."""
    git = shutil.which("git")
    if git is None:
        return None
    command = [git, "-c", f"safe.directory={repository_root}", "-c", "core.quotePath=false", "diff",
               "--no-color", "--no-ext-diff", "--unified=0", "--find-renames", f"{base}...{head}", "--"]
    try:
        result = subprocess.run(command, cwd=repository_root, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0 or len(result.stdout) > MAX_GIT_DIFF_BYTES:
        return None
    return parse_git_diff(result.stdout.decode("utf-8", "replace").split("\n"))


def parse_git_diff(lines: Iterable[str]) -> ChangedLines:
    """Several files' diff as `git diff` prints it."""
    changed = ChangedLines(source="git")
    path: str | None = None
    chunk: list[str] = []

    def flush() -> None:
        if path is not None:
            changed.lines[path] = parse_patch("\n".join(chunk))

    for line in lines:
        if line.startswith("diff --git "):
            flush()
            path, chunk = None, []
        elif line.startswith("+++ ") and path is None and not chunk:
            target = _unquote(line[4:].rstrip("\r"))
            path = target[2:] if target.startswith("b/") else None  # /dev/null: deleted
        elif line.startswith("Binary files ") and path is None:
            match = re.search(r" and b/(.*) differ$", line)
            if match:
                changed.whole.add(_unquote(match.group(1)))
        elif path is not None:
            chunk.append(line)
    flush()
    return changed


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual paths ("b/na\\303\\257ve.py")."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1].encode("latin-1", "backslashreplace")
    try:
        return body.decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return name[1:-1]
