"""Secrets in the files the upload will contain: found once per project, shared.

Two sources, merged one hit per line (the first wins):

1. Python's AST: literals assigned to secret-named targets (`SECRET_KEY`,
   `app.secret_key`, `app.config["SECRET_KEY"]`, `...PASSWORD`, `...TOKEN`,
   `...API_KEY`, keyword arguments and dict keys of those names) and literal
   fallbacks of secret-named environment reads (`os.environ.get("SECRET_KEY",
   "dev")`). Every non-empty literal counts, placeholders included: a deployed
   app with `SECRET_KEY = "change-me"` has a fixed, public key.
2. detect-secrets 1.5.0 plugins, called directly (no global settings, no
   network verification): provider formats (AWS, private keys, GitHub, Slack,
   Stripe, ...) in every text file of the upload; the keyword and base64
   high-entropy detectors only in Python files that did not parse and in
   config files, where they are precise enough.

A `# pragma: allowlist secret` on the line (or `# pragma: allowlist nextline
secret` on the line before), as detect-secrets honours it, drops the hit.

Secret values never leave this module except through `secret_values`, which
exists so the GitHub Action can `::add-mask::` them before printing anything.
"""
from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator

from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.filters.heuristic import is_indirect_reference
from detect_secrets.filters.heuristic import is_likely_id_string
from detect_secrets.filters.heuristic import is_lock_file
from detect_secrets.filters.heuristic import is_not_alphanumeric_string
from detect_secrets.filters.heuristic import is_potential_uuid
from detect_secrets.filters.heuristic import is_prefixed_with_dollar_sign
from detect_secrets.filters.heuristic import is_sequential_string
from detect_secrets.filters.heuristic import is_templated_secret
from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import KeywordDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from detect_secrets.util.code_snippet import CodeSnippet

from deploy_check.parsing.prefilter import Prefilter
from deploy_check.project import Project
from deploy_check.upload_set import included

# Bigger files are data or bundles, not hand-written code or config.
MAX_SCAN_BYTES = 1024 * 1024
# Longer lines are minified code or embedded data: slow to scan, rarely a key.
MAX_LINE_CHARS = 4000
# High-entropy strings outside this length are hashes, blobs or data URIs.
_ENTROPY_MIN_LEN = 20
_ENTROPY_MAX_LEN = 100

# Files whose names say they are generated or pinned, never hand-typed secrets.
_SKIP_SUFFIXES = (".min.js", ".min.css", ".map", ".lock", "go.sum", "pnpm-lock.yaml", "uv.lock")
# Extensions of files that are binary or compressed: never decoded.
_BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tiff", ".svgz",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".gz", ".tgz", ".bz2", ".xz",
    ".7z", ".rar", ".whl", ".egg", ".pdf", ".mp3", ".mp4", ".webm", ".ogg", ".wav",
    ".db", ".sqlite", ".sqlite3", ".so", ".pyd", ".dll", ".exe", ".bin", ".pkl",
    ".npy", ".npz", ".parquet", ".h5", ".pt", ".onnx",
)
# Config formats where `name = value` without quotes is an assignment.
_CONFIG_SUFFIXES = (
    ".cfg", ".ini", ".toml", ".yaml", ".yml", ".json", ".conf", ".cnf", ".properties",
    ".env.example", ".env.sample", ".env.template", ".env.dist",
)
_CONFIG_NAMES = ("Dockerfile", "docker-compose.yml", "docker-compose.yaml", "Procfile", ".flaskenv")

# Provider formats: precise, checked in every text file. Left out: the IBM
# detectors (keyword-shaped regexes that cost a third of the scan time and
# overlap the keyword checks), IP addresses (not secrets), Cloudant/SoftLayer.
_FORMAT_PLUGINS: tuple[BasePlugin, ...] = (
    ArtifactoryDetector(),
    AWSKeyDetector(),
    AzureStorageKeyDetector(),
    BasicAuthDetector(),
    DiscordBotTokenDetector(),
    GitHubTokenDetector(),
    GitLabTokenDetector(),
    JwtTokenDetector(),
    MailchimpDetector(),
    NpmDetector(),
    OpenAIDetector(),
    PrivateKeyDetector(),
    PypiTokenDetector(),
    SendGridDetector(),
    SlackDetector(),
    SquareOAuthDetector(),
    StripeDetector(),
    TelegramBotTokenDetector(),
    TwilioKeyDetector(),
)
# Each format plugin's regexes, searched in all files at once before any line is
# analysed: most files match none, and a plugin that cannot match is not called.
_PREFILTER = Prefilter({
    id(plugin): [rx for rx in getattr(plugin, "denylist", ()) if isinstance(rx, re.Pattern)]
    for plugin in _FORMAT_PLUGINS
})
# Plugins that are not (only) regexes: always called.
_UNFILTERED = frozenset(
    id(p) for p in _FORMAT_PLUGINS if not any(isinstance(rx, re.Pattern) for rx in getattr(p, "denylist", ()))
)
_KEYWORD = KeywordDetector()
_ENTROPY = Base64HighEntropyString(limit=4.5)

# detect-secrets' secret types, as our messages name them.
_KINDS = {
    "Artifactory Credentials": "Artifactory credential",
    "AWS Access Key": "AWS access key",
    "Azure Storage Account access key": "Azure Storage account key",
    "Basic Auth Credentials": "password in a URL (user:password@host)",
    "Discord Bot Token": "Discord bot token",
    "GitHub Token": "GitHub token",
    "GitLab Token": "GitLab token",
    "JSON Web Token": "JSON Web Token",
    "Mailchimp Access Key": "Mailchimp API key",
    "NPM tokens": "npm token",
    "OpenAI Token": "OpenAI API key",
    "Private Key": "private key",
    "PyPI Token": "PyPI token",
    "SendGrid API Key": "SendGrid API key",
    "Slack Token": "Slack token",
    "Square OAuth Secret": "Square OAuth secret",
    "Stripe Access Key": "Stripe key",
    "Telegram Bot Token": "Telegram bot token",
    "Twilio API Key": "Twilio API key",
    "Secret Keyword": "password or secret assigned a literal",
    "Base64 High Entropy String": "high-entropy string that looks like a key or token",
}

# A target named like this holds a secret: the name *ends* with the secret
# word, so PASSWORD_MIN_LENGTH or TOKEN_EXPIRY_SECONDS do not count.
_SECRET_NAME = re.compile(
    r"(secret_?key|secret|passw(?:or)?d|api_?key|apikey|access_?key|private_?key|auth_?key|"
    r"token|client_?secret)$",
    re.IGNORECASE,
)


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


def find_secrets(project: Project) -> list[SecretHit]:
    """Every secret in the upload's text files, one per line, sorted by place."""
    return project.memo("parsing.secrets", lambda: _find(project))


def secret_values(project: Project) -> set[str]:
    """The literal secret strings found, for `::add-mask::`; never for messages.

    Values shorter than 4 characters are left out: masking "dev" would blank
    every occurrence of that word in the log and protects nothing. A private
    key contributes each of its lines (masks work line by line).
    """
    values: set[str] = set()
    for hit in find_secrets(project):
        for value in (hit.value, *hit.mask):
            for part in value.splitlines():
                part = part.strip()
                if len(part) >= 4:
                    values.add(part)
    return values


def scannable(project: Project, path: str) -> bool:
    """Is `path` a file of the upload worth scanning for secrets?"""
    entry = project.entry(path)
    if entry is None or entry.size > MAX_SCAN_BYTES or not included(path):
        return False
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    if lower.endswith(_BINARY_SUFFIXES) or lower.endswith(_SKIP_SUFFIXES):
        return False
    return not is_lock_file(name)


# -- the scan -------------------------------------------------------------------


def _find(project: Project) -> list[SecretHit]:
    paths = [entry.path for entry in project.files if scannable(project, entry.path)]
    texts = {path: text for path in paths if (text := project.read_text(path))}
    candidates = _PREFILTER.candidates(list(texts.values()))
    hits: list[SecretHit] = []
    for path, could_match in zip(texts, candidates):
        lines = project.lines(path)
        if not lines:
            continue
        plugins = [p for p in _FORMAT_PLUGINS if id(p) in could_match or id(p) in _UNFILTERED]
        per_line: dict[int, SecretHit] = {}
        parsed_ok = False
        if path.endswith(".py"):
            parsed = project.python(path)
            if parsed.tree is not None:
                parsed_ok = True
                for hit in _python_hits(path, parsed.nodes or tuple(ast.walk(parsed.tree)), lines):
                    # the leftmost literal on a line speaks for the line
                    if hit.line not in per_line or hit.column < per_line[hit.line].column:
                        per_line[hit.line] = hit
        wide = not parsed_ok and _is_config(path)
        for hit in _detector_hits(path, plugins, lines, keyword_and_entropy=wide):
            per_line.setdefault(hit.line, hit)
        hits.extend(h for n, h in sorted(per_line.items()) if not _allowlisted(path, lines, n))
    return hits


def _is_config(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".py") or name in _CONFIG_NAMES or name.lower().endswith(_CONFIG_SUFFIXES)


def _allowlisted(path: str, lines: list[str], number: int) -> bool:
    previous = lines[number - 2] if number >= 2 else ""
    snippet = CodeSnippet([previous, lines[number - 1]], number - 1, 1)
    try:
        return bool(is_line_allowlisted(path, lines[number - 1], snippet))
    except Exception:  # noqa: BLE001 - a third-party heuristic must not fail the check
        return False


def _detector_hits(
    path: str, format_plugins: list[BasePlugin], lines: list[str], *, keyword_and_entropy: bool
) -> Iterator[SecretHit]:
    # KeywordDetector picks its regexes from the file name; Dockerfile,
    # Procfile and .env.example are `NAME=value` files, so present them as .cfg.
    name = path.rsplit("/", 1)[-1]
    keyword_name = path if "." in name and not name.startswith(".env") else path + ".cfg"
    plugins: list[tuple[BasePlugin, str]] = [(p, path) for p in format_plugins]
    if keyword_and_entropy:
        plugins += [(_KEYWORD, keyword_name), (_ENTROPY, path)]
    if not plugins:
        return
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS or not line.strip():
            continue
        for plugin, filename in plugins:
            try:
                found = plugin.analyze_line(filename=filename, line=line, line_number=number)
            except Exception:  # noqa: BLE001 - a plugin bug must not fail the check
                continue
            best: SecretHit | None = None
            for potential in found:
                value = potential.secret_value or ""
                if not value or _filtered(plugin, value, line):
                    continue
                start = line.find(value)
                column = start + 1 if start >= 0 else 1
                mask: tuple[str, ...] = ()
                masked = value
                if isinstance(plugin, PrivateKeyDetector):
                    # the match is the BEGIN header; the secret is the body below it
                    mask = _private_key_lines(lines, number)
                    masked = ""
                hit = SecretHit(
                    path, number, column, number,
                    column + len(value) if start >= 0 else len(line) + 1,
                    _KINDS.get(potential.type, "secret"), "detect-secrets",
                    value=masked, mask=mask,
                )
                if best is None or hit.column < best.column:
                    best = hit
            if best is not None:
                yield best
                break  # one hit per line; the format plugins come first


def _filtered(plugin: BasePlugin, value: str, line: str) -> bool:
    """detect-secrets' own false-positive heuristics, for the noisy detectors."""
    if type(plugin).__name__ == "BasicAuthDetector" and not_a_secret_value(value):
        return True
    if plugin is _ENTROPY and not (_ENTROPY_MIN_LEN <= len(value) <= _ENTROPY_MAX_LEN):
        return True
    if plugin is not _KEYWORD and plugin is not _ENTROPY:
        return False
    return (
        is_sequential_string(value)
        or is_potential_uuid(value)
        or is_likely_id_string(value, line, plugin)
        or is_templated_secret(value)
        or is_prefixed_with_dollar_sign(value)
        or is_indirect_reference(line)
        or is_not_alphanumeric_string(value)
    )


def _private_key_lines(lines: list[str], start: int) -> tuple[str, ...]:
    body: list[str] = []
    for line in lines[start : start + 100]:
        if "-----END" in line:
            break
        body.append(line.strip().strip("\"',\\n"))
    return tuple(body)


# -- Python ---------------------------------------------------------------------


def _python_hits(path: str, nodes: tuple[ast.AST, ...], lines: list[str]) -> Iterator[SecretHit]:
    for node in nodes:
        for name, value, fallback in _secret_literals(node):
            text = _literal_text(value)
            if text is None or not text.strip() or _is_label(name, text):
                continue
            if not _is_secret_key_name(name) and not_a_secret_value(text):
                continue
            yield _python_hit(path, lines, name, value, text, fallback)


def _secret_literals(node: ast.AST) -> Iterator[tuple[str, ast.expr, bool]]:
    """(target name, literal node, is-env-fallback) for each secret-shaped binding."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            name = _target_name(target)
            if name:
                yield name, node.value, False
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        name = _target_name(node.target)
        if name:
            yield name, node.value, False
    elif isinstance(node, ast.Call):
        env = _env_read(node)
        if env is not None:
            name, default = env
            if default is not None and _SECRET_NAME.search(name):
                yield name, default, True
        for keyword in node.keywords:
            if keyword.arg and _SECRET_NAME.search(keyword.arg):
                yield keyword.arg, keyword.value, False
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if _SECRET_NAME.search(key.value):
                    yield key.value, value, False
    elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        # os.environ.get("SECRET_KEY") or "dev"
        for before, after in zip(node.values, node.values[1:]):
            env = _env_read(before) if isinstance(before, ast.Call) else None
            if env is None and isinstance(before, ast.Subscript):
                env = _environ_subscript(before)
            if env is not None and _SECRET_NAME.search(env[0]):
                yield env[0], after, True


def _target_name(target: ast.expr) -> str | None:
    """The secret-looking name a target binds: `X`, `obj.x`, `obj["X"]`."""
    name: str | None = None
    if isinstance(target, ast.Name):
        name = target.id
    elif isinstance(target, ast.Attribute):
        name = target.attr
    elif isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            name = key.value
    if name and _SECRET_NAME.search(name):
        return name
    return None


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _env_read(call: ast.Call) -> tuple[str, ast.expr | None] | None:
    """(variable, default) for os.environ.get / os.getenv / environ.setdefault calls."""
    func = _dotted(call.func)
    if not (
        func.endswith(("environ.get", "environ.setdefault"))
        or func in ("os.getenv", "getenv")
    ):
        return None
    if not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    if not isinstance(call.args[0].value, str):
        return None
    default: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg in ("default", "value"):
            default = keyword.value
    return call.args[0].value, default


def _environ_subscript(node: ast.Subscript) -> tuple[str, None] | None:
    if _dotted(node.value).endswith("environ") and isinstance(node.slice, ast.Constant):
        if isinstance(node.slice.value, str):
            return node.slice.value, None
    return None


def _literal_text(value: ast.expr) -> str | None:
    if isinstance(value, ast.Constant):
        if isinstance(value.value, str):
            return value.value
        if isinstance(value.value, bytes):
            return value.value.decode("latin-1")
    return None


_PATTERN = re.compile(r"\\[wdsSbBW]|\(\?|\[\^|\]\*|\]\+|\]\{|\$\)?$")
_PLACEHOLDER = re.compile(r"^(<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|\*+|x+|\.+|-+|_+)$", re.IGNORECASE)
_PLACEHOLDER_WORDS = frozenset({"password", "passwd", "pass", "secret", "token", "changeme", "change-me", "redacted",
                                "placeholder", "your-password", "yourpassword", "none", "null", "todo"})


def _is_secret_key_name(name: str) -> bool:
    return re.sub(r"[^a-z]", "", name.lower()) in ("secretkey", "flasksecretkey", "appsecretkey")


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


def _is_label(name: str, text: str) -> bool:
    """`{"password": "Password"}`: a form label or field name, not a secret.

    Never for SECRET_KEY: `SECRET_KEY = "secret_key"` is a fixed key.
    """
    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]", "", s.lower())

    return norm(name) != "secretkey" and norm(name) == norm(text)


def _kind(name: str, fallback: bool) -> str:
    lower = name.lower().replace("-", "_")
    if lower in ("secret_key", "secretkey"):
        base = "Flask SECRET_KEY"
    elif re.search(r"passw(or)?d|pwd$", lower):
        base = "password"
    elif re.search(r"api_?key$", lower):
        base = "API key"
    elif lower.endswith("token"):
        base = "token"
    elif "private" in lower:
        base = "private key"
    else:
        base = "secret"
    if fallback:
        return f"{base} fallback literal in an environment read"
    return f"{base} literal"


def _python_hit(
    path: str, lines: list[str], name: str, node: ast.expr, text: str, fallback: bool
) -> SecretHit:
    line = node.lineno
    end_line = node.end_lineno or line
    column = _char_column(lines, line, node.col_offset)
    end_column = _char_column(lines, end_line, node.end_col_offset or node.col_offset)
    mask = (_inner_source(lines, line, column, end_line, end_column),)
    return SecretHit(
        path, line, column, end_line, end_column, _kind(name, fallback), "python",
        env_fallback=fallback, value=text, mask=mask,
    )


def _char_column(lines: list[str], line: int, byte_offset: int) -> int:
    """1-based character column from the AST's UTF-8 byte offset."""
    if not 0 < line <= len(lines):
        return byte_offset + 1
    prefix = lines[line - 1].encode("utf-8")[:byte_offset]
    return len(prefix.decode("utf-8", errors="ignore")) + 1


def _inner_source(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> str:
    """The literal as written, prefix and quotes stripped (what a log would show)."""
    if line != end_line or not 0 < line <= len(lines):
        return ""
    raw = lines[line - 1][column - 1 : end_column - 1]
    return raw.lstrip("bBrRuU").strip("'\"")
