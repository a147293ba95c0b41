"""What a renderer may know beyond the report itself (its own module: every format imports it)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class RenderContext:
    """What a renderer may know beyond the report itself."""

    color: bool = False
    # The text of a repository line, for quoting it under a finding.
    source_line: Callable[[str, int], str | None] | None = None
    # Workspace-relative prefix of the checked path, for annotations ("app/").
    path_prefix: str = ""
