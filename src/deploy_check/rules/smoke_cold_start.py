"""TODO: smoke-cold-start."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-cold-start", severity="warning", doc=__doc__)
