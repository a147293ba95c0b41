"""Text as fixes see it: decoded bytes, line positions, and edits applied to them.

A file's bytes are decoded as UTF-8 with its BOM set aside; positions are 1-based
(line, column) with columns counting characters of the decoded line, lines ending
at `\\n`, `\\r\\n` or `\\r` (as Python's tokenizer and pip count them). Everything
outside an edited span is kept byte for byte: line endings, tabs, the BOM, a
missing final newline.
"""
from __future__ import annotations

import dataclasses
import re

from deploy_check.finding import Edit
from deploy_check.parsing.requirements import BYTE_ORDER_MARKS

BOM = "\ufeff"
_LINE_END = re.compile(r"\r\n|\r|\n")


class TextError(ValueError):
    """A file a fix cannot edit as text, or an edit that does not fit it."""


@dataclasses.dataclass(frozen=True)
class Text:
    """A file's decoded text, its BOM and encoding, and where its lines start."""

    body: str
    bom: bool = False
    encoding: str = "utf-8"  # UTF-8, or the UTF-16/32 its byte-order mark names (then bom is True)

    @classmethod
    def decode(cls, data: bytes) -> Text:
        """UTF-8 text, or UTF-16/32 behind its byte-order mark (as pip reads requirements);
        TextError for a binary file or another encoding."""
        for mark, encoding in BYTE_ORDER_MARKS:
            if data.startswith(mark):
                try:
                    text = data[len(mark):].decode(encoding)
                except UnicodeDecodeError:
                    raise TextError(f"is not {encoding.upper()} text") from None
                if "\x00" in text:
                    raise TextError("is a binary file")
                return cls(text, True, encoding)
        if b"\x00" in data:
            raise TextError("is a binary file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TextError("is not UTF-8 text") from None
        if text.startswith(BOM):
            return cls(text[1:], True)
        return cls(text)

    def encode(self) -> bytes:
        """The bytes as the file had them: its encoding, its BOM."""
        if self.encoding != "utf-8":
            mark = next(mark for mark, encoding in BYTE_ORDER_MARKS if encoding == self.encoding)
            return mark + self.body.encode(self.encoding)
        return ((BOM if self.bom else "") + self.body).encode("utf-8")

    def lines(self) -> list[tuple[int, int, int]]:
        """Each line's (start, end of its characters, start of the next line) str indices."""
        body = self.body
        out: list[tuple[int, int, int]] = []
        position = 0
        for match in _LINE_END.finditer(body):
            out.append((position, match.start(), match.end()))
            position = match.end()
        if position < len(body):
            out.append((position, len(body), len(body)))
        return out

    def offset(self, line: int, column: int, lines: list[tuple[int, int, int]] | None = None) -> int:
        """The str index of (line, column); TextError when it is not in the text."""
        lines = lines if lines is not None else self.lines()
        if line == len(lines) + 1 and column == 1:
            return len(self.body)
        if 1 <= line <= len(lines) and column >= 1:
            start, end, _ = lines[line - 1]
            if start + column - 1 <= end:
                return start + column - 1
            raise TextError(f"position {line}:{column} is past the end of line {line}")
        raise TextError(f"position {line}:{column} is outside the file")

    def newline(self) -> str:
        """The file's line ending (its first one; `\\n` when it has none)."""
        match = _LINE_END.search(self.body)
        return match.group(0) if match else "\n"


def in_endings(content: str, newline: str) -> str:
    """`content` with each of its line endings written as `newline` (a file's own ending)."""
    return content if newline == "\n" and "\r" not in content else _LINE_END.sub(newline, content)


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """`text`'s lines as fixes count them (`\\n`, `\\r\\n`, `\\r`; not str.splitlines'
    form feeds and Unicode separators)."""
    return [text[start:(end if keepends else content_end)] for start, content_end, end in Text(text).lines()]


def _ends_line(body: str) -> bool:
    return body.endswith(("\n", "\r"))


def span(text: Text, edit: Edit, lines: list[tuple[int, int, int]] | None = None) -> tuple[int, int]:
    """The (start, end) str indices an edit replaces; TextError when it does not fit."""
    lines = lines if lines is not None else text.lines()
    start = text.offset(edit.line, edit.column, lines)
    end = text.offset(edit.end_line, edit.end_column, lines)
    if end < start:
        raise TextError(f"edit ends ({edit.end_line}:{edit.end_column}) before it starts")
    return start, end


def apply(text: Text, edits: list[tuple[int, int, str]]) -> Text:
    """`text` with each (start, end, content) applied; spans must not overlap (insertions at
    one point are applied in the order given)."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1][0], item[1][1], item[0]))
    out: list[str] = []
    position = 0
    for _, (start, end, content) in ordered:
        if start < position:
            raise TextError("edits overlap")
        out.append(text.body[position:start])
        out.append(content)
        position = end
    out.append(text.body[position:])
    return Text("".join(out), text.bom, text.encoding)


# -- helpers for rules building their edits ----------------------------------------------


def new_file(path: str, content: str) -> Edit:
    """An edit that creates `path` (which must not exist) holding `content`."""
    return Edit(path, 1, 1, 1, 1, content)


def end_position(text: str) -> tuple[int, int]:
    """The (line, column) just past the end of `text` (BOM aside)."""
    lines = Text(text).lines()
    if not text or _ends_line(text):
        return len(lines) + 1, 1
    start, end, _ = lines[-1]
    return len(lines), end - start + 1


def whole_file(path: str, text: str | None, content: str) -> Edit:
    """An edit that replaces all of `path` (its decoded text `text`, BOM aside), or creates it
    when `text` is None. The new content keeps the file's own line ending and, when its last
    line had none, its missing final newline."""
    if text is None:
        return new_file(path, content)
    content = in_endings(content, Text(text).newline())
    if text and not _ends_line(text):  # the file's last line had no ending: nor has the new one
        content = content[:len(content) - len(_trailing_end(content))]
    end_line, end_column = end_position(text)
    return Edit(path, 1, 1, end_line, end_column, content)


def _trailing_end(content: str) -> str:
    match = re.search(r"(\r\n|\r|\n)\Z", content)
    return match.group(0) if match else ""


def append_lines(path: str, text: str | None, lines: list[str]) -> Edit:
    """An edit that adds `lines` at the end of `path` in its own line ending (a new file with
    `\\n` endings when `text` is None). A file whose last line has no ending keeps it so:
    each line then goes after a line ending instead of before one, and several such edits at
    the end of one file still add one line each."""
    if text is None:
        return new_file(path, "".join(line + "\n" for line in lines))
    newline = Text(text).newline()
    end_line, end_column = end_position(text)
    if text and not _ends_line(text):
        content = "".join(newline + line for line in lines)
    else:
        content = "".join(line + newline for line in lines)
    return Edit(path, end_line, end_column, end_line, end_column, content)


def replace_lines(path: str, text: str, first: int, last: int, content_lines: list[str]) -> Edit:
    """An edit that replaces lines `first`..`last` (their endings included) with
    `content_lines`, each ended in the file's line ending, the last one as line `last` was."""
    decoded = Text(text)
    lines = decoded.lines()
    if not 1 <= first <= last <= len(lines):
        raise TextError(f"lines {first}-{last} are outside the file")
    start, _, _ = lines[first - 1]
    last_start, last_end, next_start = lines[last - 1]
    ending = text[last_end:next_start]
    newline = decoded.newline()
    body = "".join(item + newline for item in content_lines[:-1])
    if content_lines:
        body += content_lines[-1] + ending
    if ending:
        return Edit(path, first, 1, last + 1, 1, body)
    return Edit(path, first, 1, last, last_end - last_start + 1, body)
