"""The prefilter never drops a text that a regex matches on its own: it only skips work."""
from __future__ import annotations

import re

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from deploy_check.parsing import prefilter
from deploy_check.parsing.prefilter import Prefilter
from deploy_check.parsing.prefilter import required_literal
from deploy_check.parsing.secret_detectors import FORMAT_PLUGINS

PATTERNS = {
    "aws": [re.compile(r"(?:A3T[A-Z0-9]|AKIA)[0-9A-Z]{16}")],
    "keyword": [re.compile(r"aws.{0,20}?(?:key|token).{0,20}?['\"]([0-9a-zA-Z/+]{40})['\"]", re.IGNORECASE)],
    "edge": [re.compile(r"(?:\s|=|^)AKC[a-zA-Z0-9]{4,}(?:\s|\"|$)")],
    "word": [re.compile(r"\bxo\b"), re.compile(r"(?<!\w)tok-[a-z]{3}(?!\w)")],
    "telegram": [re.compile(r"\d{3}:[a-z]{3}")],
    "bearer": [re.compile(r"Bearer [a-z]{3}", re.IGNORECASE)],
}
pieces = st.sampled_from(["AKIA", "A3TX", "ABCDEFGHIJKLMNOP", "AKC", "abcd", "aws", "AWS", "key", "token", " ",
                          "\n", "\r\n", "=", '"', "'", "xo", "tok-", "abc", "123:", "bearer ", "BEARER ", "ſ", "K", "/+",
                          "0123456789012345678901234567890123456789"])
texts = st.lists(st.lists(pieces, max_size=25).map("".join), max_size=12)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.integers(min_value=1, max_value=64))
def test_candidates_are_a_superset_of_searching_each_text(sample, chunk):
    original = prefilter.CHUNK_CHARS
    prefilter.CHUNK_CHARS = chunk  # small chunks exercise the chunk edges too
    try:
        found = Prefilter(PATTERNS).candidates(sample)
    finally:
        prefilter.CHUNK_CHARS = original
    for text, keys in zip(sample, found):
        for key, regexes in PATTERNS.items():
            if any(re.compile(r.pattern, r.flags | re.MULTILINE).search(text) for r in regexes):
                assert key in keys, (key, text)


def test_a_text_without_the_required_literal_is_not_a_candidate():
    found = Prefilter({"stripe": [re.compile(r"(?:r|s)k_live_[0-9a-zA-Z]{24}")]}).candidates(
        ["nothing here", "sk_live_" + "a" * 24, "rk_live_short"])
    assert found == [set(), {"stripe"}, set()]


def test_required_literal_is_the_longest_top_level_run():
    assert required_literal(r"(?:r|s)k_live_[0-9a-zA-Z]{24}") == "k_live_"
    assert required_literal(r"https://hooks\.slack\.com/services/T[a-z]+") == "https://hooks.slack.com/services/T"
    assert required_literal(r"\d{8,10}:[0-9A-Za-z_-]{35}") is None  # one character is no filter
    assert required_literal(r"(ab|cd)x") is None  # inside a group: not required
    assert required_literal(r"[") is None  # unparsable: no filter, no error


def test_every_secret_plugin_regex_gets_a_literal_or_runs_whole():
    for plugin in FORMAT_PLUGINS:
        for regex in getattr(plugin, "denylist", ()):
            literal = required_literal(regex.pattern, regex.flags)
            assert literal is None or len(literal) >= 2
