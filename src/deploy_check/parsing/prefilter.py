"""Which texts could match which regexes, found with one search per regex over many texts.

Searching each of a few dozen regexes in each of thousands of small files costs a
Python call per pair, and most of the time goes to the calls, not to the search.
Here the texts are joined with newlines (in chunks, so memory stays bounded) and
each regex runs once per chunk; a regex whose required literal, the longest run of
plain characters every match contains, appears nowhere in the chunk is not run
at all (`in` on a string is far faster than the regex engine).

The answer is a superset, never a subset, of what searching each text alone gives:
patterns are searched with MULTILINE, the joining newline is what `^`, `$`, `\\b`
and `\\s` already see at a text's edge, and a match that runs across a joint marks
every text it touches. Only the caller's real check decides; this only skips work.
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

# Texts are joined into chunks of about this many characters.
CHUNK_CHARS = 4 * 1024 * 1024

try:  # Python 3.11+: the regex parser is re._parser (sre_parse before, deprecated)
    from re import _parser as _regex_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    _regex_parser = None


@dataclasses.dataclass(frozen=True)
class _Search:
    key: Hashable
    regex: re.Pattern[str]
    literal: str | None
    ignore_case: bool


def required_literal(pattern: str, flags: int = 0) -> str | None:
    """The longest run of plain characters that every match of `pattern` contains, or None.

    Only the top level of the pattern counts (what is inside a group or a repeat
    may be skipped or repeated); a run shorter than two characters is no filter."""
    if _regex_parser is None:
        return None
    try:
        parsed: Any = _regex_parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - a pattern the parser of this Python cannot read: no filter
        return None
    best = ""
    run: list[str] = []
    for op, argument in list(parsed) + [(None, None)]:
        if op is _regex_parser.LITERAL:
            run.append(chr(argument))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return best if len(best) >= 2 else None


class Prefilter:
    """Regexes grouped by key; `candidates(texts)` tells, per text, the keys it could match."""

    def __init__(self, patterns: Mapping[Hashable, Iterable[re.Pattern[str]]]) -> None:
        self._searches: list[_Search] = []
        for key, regexes in patterns.items():
            for regex in regexes:
                flags = regex.flags | re.MULTILINE
                self._searches.append(_Search(
                    key, re.compile(regex.pattern, flags), required_literal(regex.pattern, flags),
                    bool(flags & re.IGNORECASE)))

    def candidates(self, texts: Sequence[str]) -> list[set[Hashable]]:
        found: list[set[Hashable]] = [set() for _ in texts]
        start = 0
        while start < len(texts):
            end, size = start, 0
            while end < len(texts) and (end == start or size + len(texts[end]) <= CHUNK_CHARS):
                size += len(texts[end]) + 1
                end += 1
            self._search_chunk(texts[start:end], found[start:end])
            start = end
        return found

    def _search_chunk(self, texts: Sequence[str], found: list[set[Hashable]]) -> None:
        offsets: list[int] = []
        position = 0
        for text in texts:
            offsets.append(position)
            position += len(text) + 1
        corpus = "\n".join(texts)
        # Lower-casing is exact for ASCII only (re's case folding knows more pairs).
        lowered = corpus.lower() if corpus.isascii() else None
        for search in self._searches:
            if search.literal is not None:
                if search.ignore_case:
                    if lowered is not None and search.literal.lower() not in lowered:
                        continue
                elif search.literal not in corpus:
                    continue
            self._mark(search, corpus, offsets, found)

    @staticmethod
    def _mark(search: _Search, corpus: str, offsets: list[int], found: list[set[Hashable]]) -> None:
        position = 0
        while position <= len(corpus):
            match = search.regex.search(corpus, position)
            if match is None:
                return
            first = bisect.bisect_right(offsets, match.start()) - 1
            last = bisect.bisect_right(offsets, max(match.end() - 1, match.start())) - 1
            for index in range(first, last + 1):
                found[index].add(search.key)
            # Every text up to `last` is marked already: go on from the next one.
            if last + 1 >= len(offsets):
                return
            position = offsets[last + 1]
