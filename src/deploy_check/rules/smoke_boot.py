"""TODO: smoke-boot."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-boot", severity="error", doc=__doc__)
