"""The fix engine: rules propose fixes (finding.Fix), this package applies them.

    fixing.plan(project_root, findings, unsafe=False) -> FixPlan
    fixing.write(project_root, plan) -> list[str]
    fixing.fixed_copy(project, plan, dest_dir) -> list[str]
    fixing.fix_passes(project, findings_of, unsafe=False) -> PassesPlan  # ruff's loop, in memory

Helpers for rules building edits live in fixing.text (`whole_file`, `append_lines`,
`replace_lines`, `new_file`).
"""
from __future__ import annotations

from deploy_check.fixing.passes import FixedProject
from deploy_check.fixing.passes import PassesPlan
from deploy_check.fixing.passes import fix_passes
from deploy_check.fixing.planner import FixPlan
from deploy_check.fixing.planner import plan
from deploy_check.fixing.writer import fixed_copy
from deploy_check.fixing.writer import write

__all__ = ["FixPlan", "FixedProject", "PassesPlan", "fix_passes", "fixed_copy", "plan", "write"]
