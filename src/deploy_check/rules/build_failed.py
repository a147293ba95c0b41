"""TODO: build-failed."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("build-failed", severity="error", doc=__doc__)
