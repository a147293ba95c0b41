"""TODO: smoke-memory."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-memory", severity="error", doc=__doc__)
