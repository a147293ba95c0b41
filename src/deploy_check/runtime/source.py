"""What the engine builds: the repository as it is, or what Niblit would run once it is fixed.

When the repository's Dockerfile is the spec's template, the build and smoke test run on
the repository itself. When it is missing or drifts, they run on the spec's exact
template (handed to the engine from outside the build context) and on a temporary copy
of the tree as `--fix` would leave it: a check never changes the user's tree. Findings
from that run point at the user's own lines, mapped back through the fixes' edits.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any

from deploy_check.finding import Finding
from deploy_check.project import Project
from deploy_check.spec import APP_FILE
from deploy_check.spec import APP_TARGET
from deploy_check.spec import DOCKERFILE as DOCKERFILE_TEMPLATE
from deploy_check.spec import DOCKERFILE_NAME as DOCKERFILE
from deploy_check.spec import REQUIRED_PACKAGES
from deploy_check.spec import REQUIREMENTS
from deploy_check.stages import BuildStage
if TYPE_CHECKING:
    from deploy_check.fixing import FixPlan

REPOSITORY = "repository"
TEMPLATE = "template"

DRIFT_NOTE = ("smoke-tested with the spec's template, because your Dockerfile differs: "
              "this is what Niblit runs once it is fixed")
MISSING_NOTE = ("smoke-tested with the spec's template, because your repository has no Dockerfile: "
                "this is what Niblit runs once it is added")
ASKED_NOTE = "smoke-tested with the spec's template, as --build-dockerfile template asks"
# Said where the template build ran on a copy of the tree with fixes applied.
FIXED_NOTE = " (on a copy of your tree with the safe fixes applied; your files are unchanged)"


@dataclasses.dataclass(frozen=True)
class BuildSource:
    """The build's context and Dockerfile, and how its findings map back to the user's tree."""

    dockerfile: str  # REPOSITORY or TEMPLATE: which Dockerfile the image is built from
    context: str  # the build context directory
    dockerfile_path: str = DOCKERFILE  # inside the context, or an absolute path outside it
    fixed_tree: bool = False  # the context is a copy of the tree with the safe fixes applied
    plan: FixPlan | None = None  # the fixes applied to that copy
    note: str | None = None  # the one line every report shows about it
    blocked: str | None = None  # why nothing can be built at all

    def stage(self, status: str = "skipped", seconds: float | None = None,
              image_size_bytes: int | None = None) -> BuildStage:
        """The report's `build` stage: what was measured, and what it says about the source."""
        return BuildStage(status, seconds, image_size_bytes, dockerfile=self.dockerfile, fixed_tree=self.fixed_tree,
                          note=None if self.blocked else self.note, reason=self.blocked)

    def original(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings, placed on the user's own lines: a line of a fixed file is mapped back
        through the edits; a place only the fixes created keeps its file, not its line."""
        if self.plan is None:
            return list(findings)
        changed = self.plan.files
        out = []
        for finding in findings:
            if finding.path in changed and finding.line is not None:
                line = self.plan.original_line(finding.path, finding.line)
                if changed[finding.path][0] is None:  # a file the fixes write: not the user's
                    line = None
                finding = dataclasses.replace(finding, line=line, column=None, end_line=None, end_column=None)
            out.append(finding)
        return out


def drift(project: Project) -> str | None:
    """"missing" when there is no Dockerfile, "differs" when it is not the template (any finding of
    the Dockerfile rules, warnings included), None when it is the template."""
    from deploy_check.rules import dockerfile_base_image
    from deploy_check.rules import dockerfile_cmd
    from deploy_check.rules import dockerfile_env
    from deploy_check.rules import dockerfile_port
    from deploy_check.rules import dockerfile_template

    if not project.has(DOCKERFILE):
        return "missing"
    for rule in (dockerfile_base_image, dockerfile_port, dockerfile_cmd, dockerfile_env, dockerfile_template):
        if next(iter(rule.check(project)), None) is not None:
            return "differs"
    return None


def choose(project: Project, mode: str) -> str:
    """REPOSITORY or TEMPLATE, for --build-dockerfile `mode` (auto, repository, template)."""
    if mode in (REPOSITORY, TEMPLATE):
        return mode
    return TEMPLATE if drift(project) else REPOSITORY


def repository(project: Project) -> BuildSource:
    """The repository's own Dockerfile and tree, or why they cannot be built."""
    blocked = None
    if not project.has(DOCKERFILE):
        blocked = "no Dockerfile at the root, and --build-dockerfile repository builds only yours"
    else:
        blocked = _missing_requirements(project, None)
    return BuildSource(REPOSITORY, project.root, blocked=blocked)


@contextlib.contextmanager
def template(project: Project, plan: FixPlan, findings: list[Finding]) -> Iterator[BuildSource]:
    """The spec's template on a temporary copy of the tree with `plan` applied (the fixes --fix
    would write for `findings`, the reported ones); the copy is removed on exit."""
    from deploy_check import fixing

    note = _note(project)
    blocked = _missing_requirements(project, plan) or _missing_app(project, plan, findings)
    workdir = tempfile.mkdtemp(prefix="deploy-check-template-")
    try:
        template_path = os.path.join(workdir, "Dockerfile.niblit-template")
        with open(template_path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(DOCKERFILE_TEMPLATE)
        context, fixed = project.root, False
        if plan.files and not blocked:
            context, fixed = os.path.join(workdir, "tree"), True
            os.mkdir(context)
            fixing.fixed_copy(project, plan, context)
        yield BuildSource(TEMPLATE, context, template_path, fixed, plan if fixed else None,
                          note + (FIXED_NOTE if fixed else ""), blocked)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _note(project: Project) -> str:
    why = drift(project)
    if why == "missing":
        return MISSING_NOTE
    if why == "differs":
        return DRIFT_NOTE
    return ASKED_NOTE


def _created(plan: Any, path: str) -> bool:
    return plan is not None and path in plan.files


def _missing_requirements(project: Project, plan: Any) -> str | None:
    if project.has(REQUIREMENTS) or _created(plan, REQUIREMENTS):
        return None
    if plan is None:
        return f"no {REQUIREMENTS}: the Dockerfile's `COPY {REQUIREMENTS} .` would fail"
    return (f"no {REQUIREMENTS}, and no fix can write one (no pyproject.toml dependencies, Pipfile or "
            f"setup.py to take them from): add {REQUIREMENTS} with {' and '.join(REQUIRED_PACKAGES)}")


def _missing_app(project: Project, plan: Any, findings: list[Finding]) -> str | None:
    if project.has(APP_FILE) or _created(plan, APP_FILE):
        return None
    unsafe = [f for f in findings if f.rule == "app-missing" and f.fix is not None and not f.fix.safe]
    if unsafe:
        return (f"no {APP_FILE}, and the fix that writes one needs a human's eye: "
                f"run with --unsafe-fixes (or write {APP_FILE}) to smoke-test it")
    return f"no {APP_FILE}, and no fix can write one: `gunicorn {APP_TARGET}` would have nothing to import"
