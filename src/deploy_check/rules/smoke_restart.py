"""TODO: smoke-restart."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-restart", severity="error", doc=__doc__)
