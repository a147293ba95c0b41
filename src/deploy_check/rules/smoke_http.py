"""TODO: smoke-http."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-http", severity="error", doc=__doc__)
