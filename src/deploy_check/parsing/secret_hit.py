"""A secret found, and what tells a secret from a placeholder: shared by the AST scan
(`secrets`) and the detect-secrets plugins (`secret_detectors`), which import this and
not each other."""
from __future__ import annotations

import dataclasses
import re

# Longer lines are minified code or embedded data: slow to scan, rarely a key.
MAX_LINE_CHARS = 4000
# High-entropy strings outside this length are hashes, blobs or data URIs.
ENTROPY_MIN_LEN = 20
ENTROPY_MAX_LEN = 100


@dataclasses.dataclass(frozen=True)
class SecretHit:
    """A secret found at a place. `value` is for masking only: never print it."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind: str
    source: str  # "python" (the AST) or "detect-secrets"
    env_fallback: bool = False
    # repr=False: a stray print or log of a hit must not show the secret.
    value: str = dataclasses.field(default="", repr=False, compare=False)
    mask: tuple[str, ...] = dataclasses.field(default=(), repr=False, compare=False)


_PATTERN = re.compile(r"\\[wdsSbBW]|\(\?|\[\^|\]\*|\]\+|\]\{|\$\)?$")
_PLACEHOLDER = re.compile(r"^(<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|\*+|x+|\.+|-+|_+)$", re.IGNORECASE)
_PLACEHOLDER_WORDS = frozenset({"password", "passwd", "pass", "secret", "token", "changeme", "change-me", "redacted",
                                "placeholder", "your-password", "yourpassword", "none", "null", "todo",
                                # flags, as in MYSQL_ALLOW_EMPTY_PASSWORD: 'yes'
                                "yes", "no", "true", "false", "on", "off", "enabled", "disabled"})


def not_a_secret_value(text: str) -> bool:
    """Values under a secret-sounding name that are not secrets: a regex, a placeholder
    (`<password>`, `${TOKEN}`, `****`), a sentence, a symbol. (Never applied to SECRET_KEY.)"""
    value = text.strip()
    core = value.strip(":@/")
    return (
        bool(_PATTERN.search(value))
        or bool(_PLACEHOLDER.match(core))
        or core.lower() in _PLACEHOLDER_WORDS
        or " " in value
        or not any(ch.isascii() and ch.isalnum() for ch in value)
    )


_EXAMPLE_TOKENS = frozenset({"example", "sample", "template", "tmpl", "dist", "default", "defaults"})
_EXAMPLE_WORDS = re.compile(
    r"your|example|change|dummy|sample|placeholder|replace|secret|passw|xxx|dev|test|here|todo|fixme|default",
    re.IGNORECASE,
)


def is_example_env(path: str) -> bool:
    """`.env.example`, `.env-sample`, `example.env`, `.env.template`: a settings template."""
    tokens = set(re.split(r"[._-]+", path.rsplit("/", 1)[-1].lower()))
    return "env" in tokens and bool(tokens & _EXAMPLE_TOKENS)


def is_example_value(text: str) -> bool:
    """A value that only shows the shape of a setting: short, or a placeholder's words."""
    value = text.strip().strip("\"'")
    return not_a_secret_value(value) or len(value) < 8 or bool(_EXAMPLE_WORDS.search(value))
