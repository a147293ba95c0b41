"""docs/rules/: one page per rule, generated from the rule modules' docstrings."""
from __future__ import annotations

import os

from deploy_check import rules


def pages() -> dict[str, str]:
    """File name -> content for every rule page plus the index."""
    out = {f"{rule.id}.md": rule.page for rule in rules.ALL_RULES.values()}
    index = [
        "# deploy-check rules",
        "",
        "Generated from the rule modules by `scripts/gen-docs`; `deploy-check --explain RULE` prints the same pages.",
        "",
        "| Rule | Default severity | What it catches |",
        "|---|---|---|",
    ]
    for rule in sorted(rules.ALL_RULES.values(), key=lambda r: r.id):
        index.append(f"| [`{rule.id}`]({rule.id}.md) | {rule.severity.value} | {rule.short} |")
    out["README.md"] = "\n".join(index) + "\n"
    return out


def write_docs(directory: str) -> list[str]:
    os.makedirs(directory, exist_ok=True)
    written = []
    for name, content in pages().items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    for path in write_docs(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"):
        print(path)
