"""Putting a plan on disk: into the user's tree (--fix), or into a copy of the upload."""
from __future__ import annotations

import os
import shutil

from deploy_check.fixing.files import Refused
from deploy_check.fixing.files import replace_file
from deploy_check.fixing.planner import FixPlan
from deploy_check.upload_set import included


def write(project_root: object, plan: FixPlan) -> list[str]:
    """Write the plan's files into the repository, each atomically; return the paths written.

    A file that may not be written (a symlink, read-only, changed meanwhile) is left as it is,
    and the findings whose fix touched it move from `plan.applied` to `plan.dropped`."""
    root = str(getattr(project_root, "root", project_root))
    written: list[str] = []
    refused: dict[str, str] = {}
    for path, (old, new) in sorted(plan.files.items()):
        try:
            replace_file(root, path, old, new)
        except Refused as error:
            refused[path] = str(error)
            continue
        written.append(path)
    if refused:
        for finding in list(plan.applied):
            paths = [edit.path for edit in finding.fix.edits] if finding.fix else []
            reasons = [refused[path] for path in paths if path in refused]
            if reasons:
                plan.applied.remove(finding)
                plan.dropped.append((finding, reasons[0]))
        for path in refused:
            del plan.files[path]
    return written


def fixed_copy(project: object, plan: FixPlan, dest_dir: str) -> list[str]:
    """Copy the files of `project` (a Project) that go into the upload to `dest_dir`, with
    the plan's new contents in place of the old; return the repo-relative paths copied.
    Symbolic links inside the tree are copied as the files they point to (as the zip does)."""
    from deploy_check.project import Project

    assert isinstance(project, Project)
    copied: list[str] = []
    for entry in project.files:
        if not included(entry.path) or entry.path in plan.files:
            continue
        data = project.read_bytes(entry.path)
        target = _target(dest_dir, entry.path)
        if data is not None:
            with open(target, "wb") as handle:
                handle.write(data)
        else:  # too big to read for analysis: copy it as it is
            source = os.path.realpath(project.abspath(entry.path))
            if not source.startswith(project.root + os.sep):
                continue
            shutil.copyfile(source, target)
        copied.append(entry.path)
    for path, (_, new) in sorted(plan.files.items()):
        if included(path):
            with open(_target(dest_dir, path), "wb") as handle:
                handle.write(new)
            copied.append(path)
    return sorted(copied)


def _target(dest_dir: str, path: str) -> str:
    target = os.path.join(dest_dir, *path.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    return target
