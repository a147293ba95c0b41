"""Scripts that run inside the built image (never imported by deploy-check itself).

Each is read as text and handed to the image's own Python with `-c`; they use the
standard library only and print one marked JSON line that the host side parses, bounded.
"""
from __future__ import annotations

import importlib.resources

MARK = "@@deploy-check@@"


def source(name: str) -> str:
    """The text of the script `name`.py in this package."""
    return importlib.resources.files(__name__).joinpath(f"{name}.py").read_text(encoding="utf-8")
