"""From findings with fixes to the new contents of files: one engine for every rule.

As ruff does it: fixes are taken in the findings' order; a fix whose edits overlap
one already taken waits for the next pass; a fix that would leave a file that
parsed no longer parsing is dropped, and the reason said. Identical fixes carried by
several findings (every Dockerfile rule proposes the same template) are applied
once and count for each of them.
"""
from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable

from deploy_check.finding import Edit
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.fixing.files import Refused
from deploy_check.fixing.files import read_target
from deploy_check.fixing.reparse import parse_error
from deploy_check.fixing.text import BOM
from deploy_check.fixing.text import Text
from deploy_check.fixing.text import TextError
from deploy_check.fixing.text import apply
from deploy_check.fixing.text import in_endings
from deploy_check.fixing.text import span
from deploy_check.fixing.text import split_lines

WAITS = "overlaps another fix; applied on the next pass"


@dataclasses.dataclass
class FixPlan:
    """What the fixes would write. `files` maps each changed path to its (old bytes, or None
    for a new file; new bytes); `applied` are the findings the plan fixes, `dropped` those
    whose fix it left out, with the reason."""

    files: dict[str, tuple[bytes | None, bytes]] = dataclasses.field(default_factory=dict)
    applied: list[Finding] = dataclasses.field(default_factory=list)
    dropped: list[tuple[Finding, str]] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.files)

    def messages(self) -> list[str]:
        """What the applied fixes do, each once, in order."""
        out: list[str] = []
        for finding in self.applied:
            if finding.fix is not None and finding.fix.message and finding.fix.message not in out:
                out.append(finding.fix.message)
        return out

    def new_text(self, path: str) -> str | None:
        entry = self.files.get(path)
        return _display(entry[1]) if entry else None

    def diff(self) -> str:
        """The unified diff of every change, `a/` and `b/` prefixes, paths sorted."""
        return "".join(unified_diff(path, old, new) for path, (old, new) in sorted(self.files.items()))

    def original_line(self, path: str, new_line: int) -> int | None:
        """The user's line that line `new_line` of the fixed `path` was; None for a line the
        fixes wrote (a moved line maps back to where it was)."""
        entry = self.files.get(path)
        if entry is None:
            return new_line
        old, new = entry
        if old is None:
            return None
        return line_map(split_lines(_display(old)), split_lines(_display(new))).get(new_line)


def plan(project_root: object, findings: Iterable[Finding], unsafe: bool = False) -> FixPlan:
    """The plan for the fixes of `findings` (the safe ones; all with `unsafe`) against the
    repository at `project_root` (a path or a Project; a fixing.FixedProject's contents are
    the files as earlier passes left them)."""
    state = _State(str(getattr(project_root, "root", project_root)), getattr(project_root, "overrides", {}))
    result = FixPlan()
    taken: dict[tuple[Edit, ...], list[Finding]] = {}
    for finding in findings:
        fix = finding.fix
        if fix is None or not (fix.safe or unsafe):
            continue
        if fix.edits in taken:
            taken[fix.edits].append(finding)
            continue
        reason = state.take(fix)
        if reason is None:
            taken[fix.edits] = [finding]
        else:
            result.dropped.append((finding, reason))
    for group in taken.values():
        result.applied.extend(group)
    result.files = state.changes()
    return result


class _State:
    """Per file: its original text and the spans taken so far, in original coordinates."""

    def __init__(self, root: str, overrides: dict[str, bytes]) -> None:
        self.root = root
        self.overrides = overrides
        self.original: dict[str, bytes | None] = {}
        self.texts: dict[str, Text] = {}
        self.spans: dict[str, list[tuple[int, int, str]]] = {}
        self.refused: dict[str, str] = {}

    def _load(self, path: str) -> Text:
        if path in self.refused:
            raise Refused(self.refused[path])
        if path not in self.texts:
            try:
                data = read_target(self.root, path)  # also when overridden: may it be written?
                data = self.overrides.get(path, data)
                text = Text.decode(data) if data is not None else Text("")
            except Refused as error:
                self.refused[path] = str(error)
                raise
            except TextError as error:
                self.refused[path] = f"{path}: {error}; not changed"
                raise Refused(self.refused[path]) from None
            self.original[path] = data
            self.texts[path] = text
            self.spans[path] = []
        return self.texts[path]

    def take(self, fix: Fix) -> str | None:
        """Take `fix` (None) or say why not."""
        wanted: dict[str, list[tuple[int, int, str]]] = {}
        try:
            for edit in fix.edits:
                text = self._load(edit.path)
                if self.original[edit.path] is None and (edit.line, edit.column, edit.end_line, edit.end_column) != (1, 1, 1, 1):
                    return f"{edit.path}: does not exist, and the fix edits it"
                start, end = span(text, edit)
                # Whatever a rule wrote, the lines it adds end as the file's own do.
                content = in_endings(edit.content, text.newline()) if self.original[edit.path] else edit.content
                wanted.setdefault(edit.path, []).append((start, end, content))
        except Refused as error:
            return str(error)
        except TextError as error:
            return f"{fix.edits[0].path}: {error} (changed since the check?)"
        for path, spans in wanted.items():
            new = [s for s in spans if s not in self.spans[path]]
            for start, end, _ in new:
                for other_start, other_end, _ in self.spans[path]:
                    if start < other_end and other_start < end:
                        return WAITS
            wanted[path] = new
        for path, spans in wanted.items():
            try:
                candidate = apply(self.texts[path], self.spans[path] + spans)
            except TextError:
                return WAITS
            broken = parse_error(path, candidate.body)
            if broken is not None and (self.original[path] is None or parse_error(path, self.texts[path].body) is None):
                return f"{path}: the fix would leave it unparsable ({broken}); not applied"
        for path, spans in wanted.items():
            self.spans[path].extend(spans)
        return None

    def changes(self) -> dict[str, tuple[bytes | None, bytes]]:
        out: dict[str, tuple[bytes | None, bytes]] = {}
        for path, spans in self.spans.items():
            if not spans:
                continue
            new = apply(self.texts[path], spans).encode()
            if new != self.original[path]:
                out[path] = (self.original[path], new)
        return out


def _display(data: bytes) -> str:
    """The text a diff shows: decoded as the fixes read it (a UTF-16 file's too)."""
    try:
        decoded = Text.decode(data)
    except TextError:
        return data.decode("utf-8", "replace")
    return (BOM if decoded.bom and decoded.encoding == "utf-8" else "") + decoded.body


def unified_diff(path: str, old: bytes | None, new: bytes) -> str:
    """One file's unified diff as git prints it (`\\ No newline at end of file` included).

    Lines are split at `\\n` only, as git and patch split them: a `\\r` stays part of its line
    (so a CRLF file's lines show their `\\r`, and a file of `\\r` endings alone is one line)."""
    before = _patch_lines(_display(old)) if old is not None else []
    after = _patch_lines(_display(new))
    lines = list(difflib.unified_diff(
        before, after, fromfile=f"a/{path}" if old is not None else "/dev/null", tofile=f"b/{path}", n=3
    ))
    if old is None and not lines:  # a new, empty file
        return f"--- /dev/null\n+++ b/{path}\n"
    out: list[str] = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _patch_lines(text: str) -> list[str]:
    """`text`'s lines as a patch counts them, each with its `\\n` (the last may have none)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    return out + [lines[-1]] if lines[-1] else out


def line_map(before: list[str], after: list[str]) -> dict[int, int]:
    """1-based lines of `after` mapped to the `before` line they came from: unchanged lines
    by the diff, changed ones by the same text (indentation aside) among the lines the diff
    removed, which is how a moved line is found again; and a line edited in place (as many
    lines replaced as replace them) is the line it was."""
    mapping: dict[int, int] = {}
    removed: dict[str, list[int]] = {}
    added: list[int] = []
    in_place: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                mapping[j1 + offset + 1] = i1 + offset + 1
        else:
            for index in range(i1, i2):
                if before[index].strip():
                    removed.setdefault(before[index].strip(), []).append(index + 1)
            added.extend(range(j1 + 1, j2 + 1))
            if tag == "replace" and i2 - i1 == j2 - j1:
                in_place.update({j1 + offset + 1: i1 + offset + 1 for offset in range(i2 - i1)})
    taken = set()
    for number in added:
        candidates = removed.get(after[number - 1].strip())
        if candidates:
            mapping[number] = candidates.pop(0)
            taken.add(mapping[number])
    for number in added:
        if number not in mapping and number in in_place and in_place[number] not in taken:
            mapping[number] = in_place[number]
    return mapping
