"""deploy-check: check a Flask repository against the Niblit.ai deployment spec.

Library use::

    from deploy_check import check, Options
    report = check("path/to/repo", Options(skip_build=True))
    for finding in report.findings:
        print(finding.rule, finding.path, finding.line, finding.message)
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from deploy_check.engine import check
    from deploy_check.finding import Finding
    from deploy_check.finding import Severity
    from deploy_check.options import Options
    from deploy_check.run_report import Report

__version__ = "0.1.0"

__all__ = ["Finding", "Options", "Report", "Severity", "check", "__version__"]

_LAZY = {"check": "deploy_check.engine", "Finding": "deploy_check.finding", "Severity": "deploy_check.finding",
         "Options": "deploy_check.options", "Report": "deploy_check.run_report"}


def __getattr__(name: str) -> Any:
    """The library's names, imported on first use: importing the package itself must be
    instant, so that the command's entry point can catch a Ctrl-C during its imports."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'deploy_check' has no attribute {name!r}")
