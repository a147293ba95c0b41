from __future__ import annotations

import pathlib

import pytest

from deploy_check import docs
from deploy_check import rules

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "rules"


@pytest.mark.parametrize("rule_id", sorted(rules.ALL_RULES))
def test_every_rule_has_a_full_page(rule_id):
    page = rules.ALL_RULES[rule_id].page
    for section in ("## Why it breaks on Niblit", "## How to fix", "## Example"):
        assert section in page, f"{rule_id}: missing {section!r}"
    assert "TODO" not in page


def test_docs_folder_is_in_sync_with_the_rules():
    for name, content in docs.pages().items():
        path = DOCS / name
        assert path.exists() and path.read_text(encoding="utf-8") == content, f"run scripts/gen-docs ({name})"
