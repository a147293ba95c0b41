"""Score the static rules against hand-written expectations on real Flask repositories.

Fetches nothing. For each repository in manifest.txt it uses, in this order:
  1. a checked-out tree at ROOT/<owner>+<name> (ROOT: --root, default $DEPLOY_CHECK_CORPUS
     or /tmp/deploy-check-corpus), or
  2. a local git directory at MIRROR/<owner>+<name>/repo (--mirror, default /work/.mirror),
     from which the pinned commit is checked out into a temporary directory (a file whose
     blob the snapshot left out is skipped and named on stderr).
Repositories present neither way are listed as skipped.

expected/<owner>+<name>.txt holds what a careful reviewer expects, one finding a line:
    RULE SEVERITY PATH LINE      # why
PATH and LINE are `-` for a finding with no place, LINE is `*` for "somewhere in that
file"; a PATH with spaces is written in quotes. A line starting with `?` is acceptable
either way (neither counted nor penalised).
A tool finding matches an expectation with the same rule, severity, path and line;
each matches at most once. Notices are not scored.

    python bench/corpus/score.py [-v] [--only NAME[,NAME...]]
Prints per-repository misses and false alarms (-v), then recall on errors and warnings
and precision over errors and warnings.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclasses.dataclass(frozen=True)
class Expected:
    rule: str
    severity: str
    path: str | None
    line: int | str | None  # int, "*" or None
    optional: bool
    note: str


@dataclasses.dataclass(frozen=True)
class Entry:
    repo: str
    commit: str
    shape: str

    @property
    def key(self) -> str:
        return self.repo.replace("/", "+")


def manifest() -> list[Entry]:
    entries = []
    with open(os.path.join(HERE, "manifest.txt"), encoding="utf-8") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if line:
                repo, commit, *shape = line.split()
                entries.append(Entry(repo, commit, " ".join(shape)))
    return entries


def expectations(entry: Entry) -> list[Expected]:
    path = os.path.join(HERE, "expected", entry.key + ".txt")
    result = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            body, _, note = raw.partition("#")
            body = body.strip()
            if not body:
                continue
            optional = body.startswith("?")
            fields = shlex.split(body.lstrip("?"))  # a PATH with spaces is quoted
            if len(fields) != 4:
                raise SystemExit(f"{path}:{number}: want RULE SEVERITY PATH LINE, got {body!r}")
            rule, severity, file, line = fields
            where: int | str | None = None if line == "-" else "*" if line == "*" else int(line)
            result.append(Expected(rule, severity, None if file == "-" else file, where, optional, note.strip()))
    return result


def checkout(entry: Entry, root: str, mirror: str, scratch: str) -> str | None:
    tree = os.path.join(root, entry.key)
    if os.path.isdir(tree):
        return tree
    for git_dir in (os.path.join(mirror, entry.key, "repo", ".git"), os.path.join(mirror, entry.key, "repo")):
        if os.path.isdir(git_dir) and os.path.exists(os.path.join(git_dir, "HEAD")):
            target = os.path.join(scratch, entry.key)
            os.makedirs(target)
            archive = subprocess.run(["git", "--git-dir", git_dir, "archive", entry.commit],
                                     capture_output=True, check=False)
            if archive.returncode != 0:
                # A snapshot may list its largest files without their blobs: take the rest.
                return target if _extract_present(git_dir, entry.commit, target) else None
            with tempfile.TemporaryFile() as data:
                data.write(archive.stdout)
                data.seek(0)
                with tarfile.open(fileobj=data) as tar:
                    tar.extractall(target, filter=_inside)
            return target
    return None


def _inside(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's "data" filter, skipping (not failing on) a member it refuses: a link to an absolute path."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        print(f"left out of the checkout (points outside it): {member.name}", file=sys.stderr)
        return None


def _extract_present(git_dir: str, commit: str, target: str) -> bool:
    """Write the commit's regular files whose blobs are present; False when the commit is unknown."""
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=False)
    if listing.returncode != 0:
        return False
    absent = []
    for record in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, kind, blob = meta.split()
        if kind != "blob" or mode not in ("100644", "100755") or path.startswith("/") or ".." in path.split("/"):
            continue
        content = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "blob", blob],
                                 capture_output=True, check=False)
        if content.returncode != 0:
            absent.append(path)
            continue
        destination = os.path.join(target, path)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with open(destination, "wb") as handle:
            handle.write(content.stdout)
    for path in absent:
        print(f"absent from the snapshot (not scored): {path}", file=sys.stderr)
    return True


def found(tree: str) -> list[tuple[str, str, str | None, int | None, str]]:
    from deploy_check import Options
    from deploy_check import check

    report = check(tree, Options(skip_build=True))
    return [(f.rule, f.severity.value, f.path, f.line, f.message) for f in report.findings
            if f.severity.value in ("error", "warning")]


def score(entry: Entry, expected: list[Expected], actual: list[tuple[str, str, str | None, int | None, str]],
          totals: dict[str, int], verbose: bool) -> None:
    unmatched = list(actual)
    misses: list[Expected] = []
    for want in sorted(expected, key=lambda e: e.line == "*"):  # exact places first
        hit = next((a for a in unmatched if a[0] == want.rule and a[1] == want.severity and a[2] == want.path
                    and (want.line == "*" or a[3] == want.line)), None)
        if hit is not None:
            unmatched.remove(hit)
            if not want.optional:
                totals[f"{want.severity}-hit"] += 1
                totals["true"] += 1
        elif not want.optional:
            misses.append(want)
        if not want.optional:
            totals[f"{want.severity}-expected"] += 1
    # A tool finding that matched an optional expectation is neither true nor false.
    totals["false"] += len(unmatched)
    if verbose and (misses or unmatched):
        print(f"== {entry.repo} ({entry.shape})")
        for want in misses:
            print(f"   MISS {want.rule} {want.severity} {want.path}:{want.line}  # {want.note}")
        for rule, severity, path, line, message in unmatched:
            print(f"   FALSE {rule} {severity} {path}:{line}  {message[:110]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--only", help="score only repositories whose name contains this (or one of these, comma-separated)")
    parser.add_argument("--root", default=os.environ.get("DEPLOY_CHECK_CORPUS", "/tmp/deploy-check-corpus"))
    parser.add_argument("--mirror", default="/work/.mirror")
    args = parser.parse_args(argv)
    totals = {k: 0 for k in ("error-hit", "error-expected", "warning-hit", "warning-expected",
                             "true", "false")}
    skipped = []
    with tempfile.TemporaryDirectory() as scratch:
        for entry in manifest():
            if args.only and not any(part and part in entry.repo for part in args.only.split(",")):
                continue
            tree = checkout(entry, args.root, args.mirror, scratch)
            if tree is None:
                skipped.append(entry.repo)
                continue
            score(entry, expectations(entry), found(tree), totals, args.verbose)
    scored = totals["true"] + totals["false"]
    for name in skipped:
        print(f"skipped (not present locally): {name}")
    print(f"error recall   {_ratio(totals['error-hit'], totals['error-expected'])}")
    print(f"warning recall {_ratio(totals['warning-hit'], totals['warning-expected'])}")
    print(f"precision      {_ratio(totals['true'], scored)}")
    return 0


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a (0/0)"


if __name__ == "__main__":
    sys.exit(main())
