"""The fix for files that must not reach Niblit: never delete them (they are the user's),
add them to the root .gitignore so they stop being committed. Whether a path is already
ignored is judged by git's own rules (pathspec's GitIgnoreSpec)."""
from __future__ import annotations

import pathspec

from deploy_check.finding import Edit
from deploy_check.finding import Fix
from deploy_check.fixing.text import append_lines
from deploy_check.project import Project
from deploy_check.upload_set import included

PATH = ".gitignore"


def ignored(project: Project, path: str, directory: bool) -> bool:
    """Does the root .gitignore already ignore `path`?"""
    spec = project.memo("gitignore-spec", lambda: pathspec.GitIgnoreSpec.from_lines(project.lines(PATH)))
    return spec.match_file(path + "/" if directory else path)


def pattern_for(path: str, directory: bool) -> str:
    """The .gitignore line for `path`: the bare name at the root, anchored below it."""
    return ("/" + path if "/" in path else path) + ("/" if directory else "")


def ignore_fix(project: Project, paths: list[str], pattern: str, *, directory: bool) -> Fix | None:
    """Add `pattern` to .gitignore unless it already ignores every path in `paths`."""
    if all(ignored(project, path, directory) for path in paths):
        return None
    text = project.read_text(PATH) if project.has(PATH) else None
    if project.has(PATH) and text is None:
        # A binary or unreadable .gitignore: the engine refuses it with its one line.
        return Fix(True, (Edit(PATH, 1, 1, 1, 1, pattern + "\n"),), f"add `{pattern}` to .gitignore")
    zipped = [path for path in paths if included(path + "/x" if directory else path)]
    if zipped:
        where = f"the spec's zip command still uploads {zipped[0]}: move or delete it yourself"
    else:
        where = "it stays out of the upload zip"
    return Fix(True, (append_lines(PATH, text, [pattern]),),
               f"add `{pattern}` to .gitignore (nothing is deleted; {where})")
