"""The package stage: the upload zip, what was left out of it, and upload-size."""
from __future__ import annotations

import os

from deploy_check.errors import UsageError
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.options import Options
from deploy_check.project import Project
from deploy_check.rules import forbidden_file
from deploy_check.rules import upload_size
from deploy_check.stages import PackageStage
from deploy_check.upload_set import excluded_reason
from deploy_check.walk import OUTPUT_DIR
from deploy_check.zipper import write_zip

MB = 1024 * 1024


def upload_paths(project: Project) -> tuple[list[str], list[dict[str, str]]]:
    """What goes into the zip, and what is left out with why."""
    included: list[str] = []
    excluded: list[dict[str, str]] = []
    for entry in project.files:
        reason = excluded_reason(entry.path)
        if reason is None:
            included.append(entry.path)
        else:
            excluded.append({"path": entry.path, "reason": reason})
    tree = project.tree
    for path in tree.skipped_dirs:
        excluded.append({"path": path + "/", "reason": excluded_reason(path + "/x") or "not part of the upload"})
    for path in tree.escaping_symlinks:
        excluded.append({"path": path, "reason": "symlink pointing outside the repository (never followed)"})
    for path in getattr(tree, "broken_symlinks", []):
        excluded.append({"path": path, "reason": "dangling or looping symlink"})
    for path in tree.special_files:
        excluded.append({"path": path, "reason": "not a regular file (FIFO, socket or device)"})
    for path in tree.unreadable:
        excluded.append({"path": path, "reason": "unreadable"})
    return included, sorted(excluded, key=lambda item: item["path"])


def package_stage(project: Project, options: Options) -> tuple[PackageStage, list[Finding]]:
    """Write the upload zip to options.zip_path: the stage, and the findings about the zip.
    A destination that cannot be written is a UsageError (exit 2)."""
    destination = options.zip_path or ""
    if os.path.isdir(destination):
        raise UsageError(f"--zip {destination}: is a directory (give a file name)")
    real = os.path.realpath(destination)
    own_output = real.startswith(os.path.join(project.root, OUTPUT_DIR) + os.sep)
    if real.startswith(project.root + os.sep) and not own_output:
        raise UsageError(f"--zip {destination}: is inside the checked repository (use a path outside it, "
                         f"or under {OUTPUT_DIR}/, which is never uploaded)")
    os.makedirs(os.path.dirname(real) or ".", exist_ok=True)
    included, excluded = upload_paths(project)
    try:
        result = write_zip(project.root, included, destination)
    except OSError as error:
        raise UsageError(f"--zip {destination}: {error.strerror or error}") from None
    excluded.extend({"path": path, "reason": reason} for path, reason in result.skipped)
    stage = PackageStage("ok", destination, result.bytes, result.files, result.sha256, excluded=excluded)
    findings = [forbidden_file.RULE.finding(f"{path}: {reason}; left out of the zip", Location(path))
                for path, reason in result.skipped]
    limit = options.storage_limit
    if result.bytes > limit:
        findings.append(upload_size.RULE.finding(
            f"the zip is {result.bytes / MB:.0f} MB, over the {options.tier} tier's {limit // MB} MB of storage",
            hint="leave large data out of the repository (or use a bigger tier)"))
    elif result.bytes > 0.8 * limit:
        findings.append(upload_size.RULE.finding(
            f"the zip is {result.bytes / MB:.0f} MB, {result.bytes / limit:.0%} of the {options.tier} tier's storage",
            severity=Severity.WARNING))
    return stage, findings
