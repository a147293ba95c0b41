"""The contract's JSON report."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from deploy_check.run_report import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext


def render(report: Report, context: RenderContext) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
