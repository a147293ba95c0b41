"""The package stage: the upload zip and what was left out of it (the findings are their rules')."""
from __future__ import annotations

import os

from deploy_check import spec
from deploy_check.errors import UsageError
from deploy_check.finding import Finding
from deploy_check.options import Options
from deploy_check.project import Project
from deploy_check.rules import forbidden_file
from deploy_check.rules import upload_size
from deploy_check.stages import PackageStage
from deploy_check.upload_set import upload_paths
from deploy_check.walk import OUTPUT_DIR
from deploy_check.zipper import write_zip

def package_stage(project: Project, options: Options, destination: str) -> tuple[PackageStage, list[Finding]]:
    """Write the upload zip to `destination`: the stage, and the findings about the zip.
    A destination that cannot be written is a UsageError (exit 2)."""
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
    findings = forbidden_file.judge_zip(result.skipped) + upload_size.judge_zip(result.bytes, spec.tier(options.tier))
    return stage, findings
