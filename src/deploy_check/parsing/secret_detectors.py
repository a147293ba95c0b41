"""detect-secrets' side of the secret scan: its plugins, prefiltered, and its heuristics.

Kept apart from `secrets` because detect-secrets (and the requests library it
imports) takes a tenth of a second to import: the CLI's start-up and `--version`
do not pay for it, and a full run imports it while the engine builds the image.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Iterator

from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.filters.heuristic import is_indirect_reference
from detect_secrets.filters.heuristic import is_likely_id_string
from detect_secrets.filters.heuristic import is_lock_file  # noqa: F401 - used by secrets.scannable
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

from deploy_check.parsing import secret_hit
from deploy_check.parsing.prefilter import Prefilter

# Provider formats: precise, checked in every text file. Left out: the IBM
# detectors (keyword-shaped regexes that cost a third of the scan time and
# overlap the keyword checks), IP addresses (not secrets), Cloudant/SoftLayer.
# user:password@host in a URL (left out in test code, where such URLs are fixtures).
URL_PASSWORDS = BasicAuthDetector()
_JWT = JwtTokenDetector()
FORMAT_PLUGINS: tuple[BasePlugin, ...] = (
    ArtifactoryDetector(),
    AWSKeyDetector(),
    AzureStorageKeyDetector(),
    URL_PASSWORDS,
    DiscordBotTokenDetector(),
    GitHubTokenDetector(),
    GitLabTokenDetector(),
    _JWT,
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
PREFILTER = Prefilter({
    id(plugin): [rx for rx in getattr(plugin, "denylist", ()) if isinstance(rx, re.Pattern)]
    for plugin in FORMAT_PLUGINS
})
# Plugins that are not (only) regexes: always called.
UNFILTERED = frozenset(
    id(p) for p in FORMAT_PLUGINS if not any(isinstance(rx, re.Pattern) for rx in getattr(p, "denylist", ()))
)
_KEYWORD = KeywordDetector()
_ENTROPY = Base64HighEntropyString(limit=4.5)
# A quoted run of the entropy plugin's characters long enough to be kept: a line without
# one cannot give a hit that _filtered keeps, so the plugin (and its per-string entropy
# sums, the slowest part of scanning a data file) is not called for it.
_ENTROPY_CANDIDATE = re.compile(
    r"""(['"])[{}]{{{},}}\1""".format(re.escape(_ENTROPY.charset), secret_hit.ENTROPY_MIN_LEN)
)

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

# A CI file's reference to a secret stored elsewhere (Drone's `from_secret: docker_password`).
_NAMED_REFERENCE = re.compile(r"^\s*-?\s*[\"']?from_secret[\"']?\s*:")


def allowlisted(path: str, lines: list[str], number: int) -> bool:
    previous = lines[number - 2] if number >= 2 else ""
    snippet = CodeSnippet([previous, lines[number - 1]], number - 1, 1)
    try:
        return bool(is_line_allowlisted(path, lines[number - 1], snippet))
    except Exception:  # noqa: BLE001 - a third-party heuristic must not fail the check
        return False


def detector_hits(
    path: str, format_plugins: list[BasePlugin], lines: list[str], *, keyword_and_entropy: bool
) -> Iterator[secret_hit.SecretHit]:
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
        if len(line) > secret_hit.MAX_LINE_CHARS or not line.strip():
            continue
        for plugin, filename in plugins:
            if plugin is _ENTROPY and not _ENTROPY_CANDIDATE.search(line):
                continue
            try:
                found = plugin.analyze_line(filename=filename, line=line, line_number=number)
            except Exception:  # noqa: BLE001 - a plugin bug must not fail the check
                continue
            best: secret_hit.SecretHit | None = None
            for potential in found:
                value = potential.secret_value or ""
                if not value or _filtered(plugin, value, line, path):
                    continue
                start = _column_of(plugin, value, line)
                column = start + 1 if start >= 0 else 1
                mask: tuple[str, ...] = ()
                masked = value
                if isinstance(plugin, PrivateKeyDetector):
                    # the match is the BEGIN header; the secret is the body below it
                    mask = _private_key_lines(lines, number)
                    masked = ""
                hit = secret_hit.SecretHit(
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


# The key a value is assigned to, in JSON, YAML, TOML or INI (`"projectId": "prj_..."`, `org_id = ...`).
_ASSIGNED_KEY = r"""["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*["']?"""
# An identifier's name: projectId, orgId, client_id, APP_ID, id (a key would be *_key, *_secret, *_token).
_IDENTIFIER_NAME = re.compile(r"(?:^|[_.-])(?:id|ID|Id)$|[a-z0-9]Id$|^ID$")


def _named_as_identifier(value: str, line: str) -> bool:
    """A high-entropy value under a key named like an identifier (Vercel's `.vercel/project.json`:
    `{"projectId": "prj_...", "orgId": "team_..."}`): an id, not a key or token."""
    match = re.search(_ASSIGNED_KEY + re.escape(value), line)
    return bool(match and _IDENTIFIER_NAME.search(match.group(1)))


def _column_of(plugin: BasePlugin, value: str, line: str) -> int:
    """Where on the line the secret starts (0-based), or -1: for a password in a URL, the
    password's own place (`mysql://web:web@...` has the value twice)."""
    if isinstance(plugin, BasicAuthDetector):
        at = line.find(f":{value}@")
        if at >= 0:
            return at + 1
    return line.find(value)


def _filtered(plugin: BasePlugin, value: str, line: str, path: str) -> bool:
    """detect-secrets' own false-positive heuristics, for the noisy detectors; and, in a
    `.env.example`-style file (documentation of the settings, never loaded by the app),
    placeholder values such as `SECRET_KEY=dev` or `mysql://user:password@localhost`."""
    if isinstance(plugin, (BasicAuthDetector, KeywordDetector)) and secret_hit.is_example_env(path):
        if secret_hit.is_example_value(value):
            return True
    if isinstance(plugin, BasicAuthDetector) and (secret_hit.is_example_env(path) or _is_documentation(path)):
        if _local_url(value, line):
            return True  # `postgres:postgres@localhost` in a README or .env.example: a local default
    if isinstance(plugin, (BasicAuthDetector, KeywordDetector)) and secret_hit.not_a_secret_value(value):
        return True
    if plugin is _ENTROPY and not (secret_hit.ENTROPY_MIN_LEN <= len(value) <= secret_hit.ENTROPY_MAX_LEN):
        return True
    if plugin is _JWT:
        return expired_jwt(value)
    if plugin is not _KEYWORD and plugin is not _ENTROPY:
        return False
    if _NAMED_REFERENCE.match(line):
        return True
    if plugin is _ENTROPY and _named_as_identifier(value, line):
        return True
    return (
        is_sequential_string(value)
        or is_potential_uuid(value)
        or is_likely_id_string(value, line, plugin)
        or is_templated_secret(value)
        or is_prefixed_with_dollar_sign(value)
        or is_indirect_reference(line)
        or is_not_alphanumeric_string(value)
    )


_DOCUMENTATION = (".md", ".markdown", ".rst", ".adoc")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "[::1]"})


def _is_documentation(path: str) -> bool:
    return path.lower().endswith(_DOCUMENTATION)


def _local_url(password: str, line: str) -> bool:
    """The URL that carries this password points at the machine itself (localhost)."""
    found = re.search(re.escape(f":{password}@") + r"([^/:\s'\"?#]+)", line)
    return found is not None and found.group(1).lower() in _LOCAL_HOSTS


def expired_jwt(token: str, now: float | None = None) -> bool:
    """A JSON Web Token whose `exp` claim is past: it grants nothing (a tutorial's sample
    reset link), so it is not a secret. A token without a readable `exp` is kept."""
    parts = token.split(".")
    if len(parts) < 2 or len(parts[1]) > 4096:
        return False
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        return False
    expiry = claims.get("exp") if isinstance(claims, dict) else None
    if not isinstance(expiry, (int, float)) or isinstance(expiry, bool):
        return False
    return expiry < (time.time() if now is None else now)


def _private_key_lines(lines: list[str], start: int) -> tuple[str, ...]:
    body: list[str] = []
    for line in lines[start : start + 100]:
        if "-----END" in line:
            break
        body.append(line.strip().strip("\"',\\n"))
    return tuple(body)
