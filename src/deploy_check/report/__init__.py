"""Output formats, each a pure `render(report, context) -> str`; one place writes files."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

from deploy_check.report import github
from deploy_check.report import json
from deploy_check.report import sarif
from deploy_check.report import text
from deploy_check.report.context import RenderContext
from deploy_check.run_report import Report

__all__ = ["FORMATS", "RenderContext", "render", "write_file"]


FORMATS: dict[str, Callable[[Report, RenderContext], str]] = {
    "github": github.render,
    "json": json.render,
    "sarif": sarif.render,
    "text": text.render,
}


def render(fmt: str, report: Report, context: RenderContext | None = None) -> str:
    return FORMATS[fmt](report, context or RenderContext())


def write_file(path: str, content: str) -> None:
    """Write atomically, so a reader never sees half a report."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".deploy-check-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
