from __future__ import annotations

import pathlib
import re

from deploy_check import rules

CONTRACT = pathlib.Path(__file__).resolve().parents[2] / "shared" / "CONTRACT.md"


def test_rule_ids_are_unique_and_sorted():
    ids = [m.RULE.id for m in rules.STATIC_RULES + rules.RUNTIME_RULES]
    assert len(ids) == len(set(ids))
    assert [m.RULE.id for m in rules.STATIC_RULES] == sorted(m.RULE.id for m in rules.STATIC_RULES)


def test_module_named_after_rule():
    for module in rules.STATIC_RULES + rules.RUNTIME_RULES:
        assert module.__name__.rsplit(".", 1)[1] == module.RULE.id.replace("-", "_")


def test_every_contract_rule_exists():
    if not CONTRACT.exists():
        return
    listed = set(re.findall(r"^- `([a-z-]+)`", CONTRACT.read_text(), re.M))
    listed |= set(re.findall(r" / `([a-z-]+)`", CONTRACT.read_text()))
    listed |= set(re.findall(r"^- `([a-z-]+)` \(", CONTRACT.read_text(), re.M))
    assert listed, "could not read rule ids from the contract"
    assert listed <= set(rules.ALL_RULES)


def test_readme_lists_every_rule():
    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [r for r in rules.ALL_RULES if f"[`{r}`](docs/rules/{r}.md)" not in readme]
    assert not missing
