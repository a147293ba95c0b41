"""TODO: smoke-ephemeral-write."""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-ephemeral-write", severity="error", doc=__doc__)
