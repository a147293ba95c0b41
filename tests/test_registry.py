from __future__ import annotations

import pathlib
import re

import pytest

from deploy_check import rules

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The contract's rule ids, vendored: a plain clone has no ../shared/CONTRACT.md.
CONTRACT_RULES = ROOT / "tests" / "data" / "contract-rules.txt"
# Where the project's checkouts find the contract itself (beside the repository or its worktrees).
CONTRACT_PLACES = (ROOT.parent / "shared" / "CONTRACT.md", ROOT.parent.parent / "shared" / "CONTRACT.md")


def test_rule_ids_are_unique_and_sorted():
    ids = [m.RULE.id for m in rules.STATIC_RULES + rules.RUNTIME_RULES]
    assert len(ids) == len(set(ids))
    assert [m.RULE.id for m in rules.STATIC_RULES] == sorted(m.RULE.id for m in rules.STATIC_RULES)


def test_module_named_after_rule():
    for module in rules.STATIC_RULES + rules.RUNTIME_RULES:
        assert module.__name__.rsplit(".", 1)[1] == module.RULE.id.replace("-", "_")


def contract_rule_ids(text: str) -> set[str]:
    """The rule ids a contract lists: `- `id` (...)` items and `a` / `b` pairs."""
    return set(re.findall(r"^- `([a-z-]+)`", text, re.M)) | set(re.findall(r" / `([a-z-]+)`", text))


def test_every_contract_rule_exists():
    listed = set(CONTRACT_RULES.read_text().split())
    assert len(listed) > 30
    assert sorted(listed - set(rules.ALL_RULES)) == []


def test_the_vendored_rule_list_is_the_contract_s():
    contract = next((p for p in CONTRACT_PLACES if p.exists()), None)
    if contract is None:
        pytest.skip("no ../shared/CONTRACT.md beside this checkout: the vendored copy stands in")
    assert contract_rule_ids(contract.read_text()) == set(CONTRACT_RULES.read_text().split())


def test_contract_rule_ids_are_read():
    text = "- `a-b` (error): x\n- `c` / `d-e` (error): y\n  - `not-me`\n"
    assert contract_rule_ids(text) == {"a-b", "c", "d-e"}


def test_readme_lists_every_rule():
    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [r for r in rules.ALL_RULES if f"[`{r}`](docs/rules/{r}.md)" not in readme]
    assert not missing
