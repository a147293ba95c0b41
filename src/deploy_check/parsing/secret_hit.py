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
_PLACEHOLDER = re.compile(r"^(<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[^{}]*\}|%\([^)]*\)s|\*+|x+|\.+|-+|_+"
                          # "some_token..", "your-api-key": the shape of a value, not one
                          r"|(?:some|your)[-_].*|.*\.{2,})$", re.IGNORECASE)
# Placeholders of a template engine or a form, never a value anyone would ship as a key.
_TEMPLATE_PLACEHOLDER = re.compile(r"^(<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[^{}]*\})$")
# Keys their providers publish for tests (Google's reCAPTCHA test site and secret keys).
PUBLIC_TEST_VALUES = frozenset({"6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI", "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe"})
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
        value in PUBLIC_TEST_VALUES
        or bool(_PATTERN.search(value))
        or bool(_PLACEHOLDER.match(core))
        or core.lower() in _PLACEHOLDER_WORDS
        or " " in value
        or not any(ch.isascii() and ch.isalnum() for ch in value)
    )


def is_template_placeholder(text: str) -> bool:
    """`<replace with a secret key>`, `${SECRET}`, `{{ key }}`, `{password}`: a slot to fill in,
    even where a SECRET_KEY's placeholder would otherwise count as a fixed key."""
    return bool(_TEMPLATE_PLACEHOLDER.match(text.strip()))


# Scripts that fill a database with made-up rows: their passwords are fixtures, like tests'.
_FIXTURE_SCRIPT = re.compile(r"(^|[_-])(seed|seeds|seeder|seeding|fake|fakes|faker|fixture|fixtures|factories|populate"
                             r"|sample_data|demo_data|mock|mocks)([_-]|\.py$)", re.IGNORECASE)
_FIXTURE_DIRS = frozenset({"fixtures", "seeds", "seed", "factories"})


def is_fixture_script(path: str) -> bool:
    """`seed.py`, `utils/fake_generator.py`, `fixtures/users.py`: made-up data, not the app's secrets."""
    *folders, name = path.split("/")
    return bool(_FIXTURE_SCRIPT.search(name)) or any(folder.lower() in _FIXTURE_DIRS for folder in folders)


def is_test_env(path: str) -> bool:
    """`.env.test`, `.env.testing`, `test.env`: the tests' settings, fixtures like test code."""
    tokens = set(re.split(r"[._-]+", path.rsplit("/", 1)[-1].lower()))
    return "env" in tokens and bool(tokens & {"test", "tests", "testing"})


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


# Templates that document variables; their contents are hardcoded-secret's business.
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})


def is_secret_file(path: str) -> bool:
    """Is the file at `path` (repo-relative) a `.env` or `.env.<something>` with real values?"""
    name = path.rsplit("/", 1)[-1].lower()
    if name in ENV_TEMPLATES or is_example_env(path):  # also .env.local.example, .env-sample
        return False
    return name == ".env" or (name.startswith(".env.") and len(name) > len(".env."))
