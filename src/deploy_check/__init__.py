"""deploy-check: check a Flask repository against the Niblit.ai deployment spec.

Library use::

    from deploy_check import check, Options
    report = check("path/to/repo", Options(skip_build=True))
    for finding in report.findings:
        print(finding.rule, finding.path, finding.line, finding.message)
"""
from __future__ import annotations

from deploy_check.engine import check
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.options import Options
from deploy_check.result import Report

__version__ = "0.1.0"

__all__ = ["Finding", "Options", "Report", "Severity", "check", "__version__"]
