"""The action's pull-request side: the comment, the review of suggestions, the baseline, only-changed.

Nothing here fails the step: a token that may not write (a fork's pull request gets a
read-only one) or an API that does not answer leaves the job summary as the report and
says so in one notice. Only the check's own verdict decides the exit status.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any
from typing import TextIO

from deploy_check import baseline
from deploy_check import changed_lines
from deploy_check import workflow_commands
from deploy_check import rules
from deploy_check.changed_lines import ChangedLines
from deploy_check.finding import Finding
from deploy_check.project import Project
from deploy_check.report import comment
from deploy_check.report import suggestions
from deploy_check.report.comment import CommentInput
from deploy_check.rest import Rest
from deploy_check.rest import RestError
from deploy_check.rest import as_object
from deploy_check.run_report import Report

MAX_EVENT_BYTES = 32 * 1024 * 1024
# Findings about the build, the running app and the whole upload: never filtered by only-changed.
ALWAYS_SHOWN = frozenset(module.RULE.id for module in rules.RUNTIME_RULES) | {"upload-size"}
READ_ONLY = ("the token may not write here (a fork's pull request gets a read-only one): "
             "the job summary has the report")


@dataclasses.dataclass(frozen=True)
class Event:
    name: str
    repository: str
    sha: str
    number: int | None = None
    base_sha: str = ""
    base_ref: str = ""
    head_sha: str = ""
    fork: bool = False

    @property
    def is_pull_request(self) -> bool:
        return self.number is not None


def read_event(environ: Mapping[str, str]) -> Event:
    """The run's event (GITHUB_EVENT_PATH), as far as the pull-request side needs it."""
    name = environ.get("GITHUB_EVENT_NAME", "")
    repository = environ.get("GITHUB_REPOSITORY", "")
    sha = environ.get("GITHUB_SHA", "")
    payload: Any = {}
    path = environ.get("GITHUB_EVENT_PATH")
    if path:
        try:
            with open(path, "rb") as handle:
                payload = json.loads(handle.read(MAX_EVENT_BYTES + 1)[:MAX_EVENT_BYTES] or b"{}")
        except (OSError, ValueError, RecursionError):
            payload = {}
    pull = payload.get("pull_request") if isinstance(payload, dict) else None
    if not isinstance(pull, dict) or not isinstance(pull.get("number"), int):
        return Event(name, repository, sha)
    base, head = as_object(pull.get("base")), as_object(pull.get("head"))
    head_repo, base_repo = as_object(head.get("repo")), as_object(base.get("repo"))
    return Event(name, repository, sha, pull["number"], _str(base.get("sha")), _str(base.get("ref")),
                 _str(head.get("sha")), _str(head_repo.get("full_name")) != _str(base_repo.get("full_name")))


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def only_changed(findings: list[Finding], changed: ChangedLines, prefix: str) -> list[Finding]:
    """The findings on what the pull request changed, plus those never filtered."""
    return [f for f in findings
            if f.rule in ALWAYS_SHOWN or f.path is None or changed.touches(prefix + f.path, f.line)]


class Session:
    """One run's talk with the pull request (or, on a push, with the commit's checks)."""

    def __init__(self, environ: Mapping[str, str], *, token: str, app: str, prefix: str, workspace: str,
                 out: TextIO, rest: Rest | None = None) -> None:
        self.environ = environ
        self.event = read_event(environ)
        self.token = token
        self.app = app
        self.prefix = prefix
        self.workspace = workspace
        self.out = out
        self.rest = rest or (Rest.from_environ(environ, token) if token else None)
        self.notes: list[str] = []
        self._changed: ChangedLines | None | bool = False

    def notice(self, line: str) -> None:
        print(workflow_commands.command("notice", {"title": "deploy-check"}, line), file=self.out)
        self.notes.append(line)

    # -- changed lines ---------------------------------------------------------------
    def changed(self) -> ChangedLines | None:
        """The pull request's added lines (API, else `git diff base...head`); None when unknown."""
        if self._changed is False:
            self._changed = self._read_changed()
        return self._changed if isinstance(self._changed, ChangedLines) else None

    def _read_changed(self) -> ChangedLines | None:
        event = self.event
        if not event.is_pull_request or event.number is None:
            return None
        if self.rest is not None:
            try:
                return changed_lines.from_api(self.rest, event.repository, event.number)
            except RestError as error:
                api_error = str(error)
        else:
            api_error = "no github-token"
        found = changed_lines.from_git(self.workspace, event.base_sha, event.head_sha or "HEAD")
        if found is None:
            self.notice(f"the lines this pull request changed are unknown ({api_error}; git diff "
                        "base...head failed too: fetch-depth 0 brings the base): nothing is left out")
        return found

    def shown(self, findings: list[Finding], enabled: bool) -> list[Finding]:
        """What annotations and the comment show: with only-changed, the findings on changed lines."""
        if not enabled or not self.event.is_pull_request:
            return findings
        changed = self.changed()
        return findings if changed is None else only_changed(findings, changed, self.prefix)

    def hidden_notice(self, report: Report, shown: list[Finding]) -> None:
        """Say what only-changed left out, and that the verdict still counts it."""
        from deploy_check.report.text import summary_line

        hidden = len(report.findings) - len(shown)
        if hidden:
            self.notice(f"only-changed: {hidden} finding{'s' if hidden > 1 else ''} on lines this pull request "
                        f"did not change {'are' if hidden > 1 else 'is'} not annotated; the verdict counts "
                        f"every finding ({summary_line(report)[:-1]}); the job summary lists them all")

    # -- publishing ------------------------------------------------------------------
    def publish(self, report: Report, context: Any, project: Project, *, passed: bool, only_changed: bool,
                fix_suggestions: bool, links: list[tuple[str, str]]) -> None:
        """The comment (and review) on a pull request, the baseline on a push; notices, never a failure."""
        shown = self.shown(report.findings, only_changed)  # again: packaging may have added findings
        if self.rest is None:
            if fix_suggestions and self.event.is_pull_request:
                self.notice("fix-suggestions needs github-token: the safe fixes are in the job summary's diff")
            return
        try:
            if self.event.is_pull_request:
                self._pull_request(report, context, project, passed, shown, only_changed, fix_suggestions, links)
            elif self.event.sha:
                self._record_baseline(report, passed)
        except RestError as error:
            self.notice(f"GitHub's API: {error}; the job summary has the report")

    def _record_baseline(self, report: Report, passed: bool) -> None:
        kept = baseline.from_report(report, self.event.sha, passed)
        counts = report.counts
        title = (f"{'passed' if passed else 'failed'}: {counts['error']} errors, {counts['warning']} warnings, "
                 f"{counts['notice']} notices")
        summary = ("The figures and findings of this commit, kept for the pull requests based on it "
                   "(deploy-check compares them with this).")
        try:
            baseline.store(self.rest, self.event.repository, self.event.sha, self.app, kept,  # type: ignore[arg-type]
                           title, summary)
        except RestError as error:
            if not error.forbidden:
                raise
            self.notice("the baseline for pull requests was not recorded: the token may not create check "
                        "runs (give the push's job `permissions: checks: write`)")

    def _pull_request(self, report: Report, context: Any, project: Project, passed: bool, shown: list[Finding],
                      only_changed: bool, fix_suggestions: bool, links: list[tuple[str, str]]) -> None:
        rest, event = self.rest, self.event
        assert rest is not None and event.number is not None
        try:
            base = baseline.load(rest, event.repository, self.app, event.base_sha, event.base_ref)
        except RestError as error:
            self.notes.append(f"The base's report could not be read ({error}).")
            base = None
        visible = set(shown)
        if base is None:
            new, fixed = list(shown), []
        else:
            compared = baseline.compare(report.findings, report.source_line, base)
            new, fixed = [f for f in compared.new if f in visible], compared.fixed
        data = CommentInput(self.app, passed, base, event.base_ref or "the base branch", new, fixed,
                            only_changed=only_changed, hidden=len(report.findings) - len(shown), links=links)
        if fix_suggestions:
            self._suggest(report, project, data)
        body = comment.render(report, context, data)
        try:
            self._upsert_comment(body)
        except RestError as error:
            if not error.forbidden:
                raise
            self.notice(f"no pull-request comment: {READ_ONLY}")

    def _suggest(self, report: Report, project: Project, data: CommentInput) -> None:
        rest, event = self.rest, self.event
        assert rest is not None and event.number is not None
        changed = self.changed() or ChangedLines()
        made, outside = suggestions.suggest(project, report.findings, changed, self.prefix)
        data.outside_fixes = outside
        try:
            self._replace_review(made)
            data.suggestions = len(made)
        except RestError as error:  # the comment still goes out
            why = READ_ONLY if error.forbidden else f"GitHub's API: {error}; the job summary has the report"
            self.notice(f"no review of suggestions: {why}, with the safe fixes as a diff")

    # -- REST calls ------------------------------------------------------------------
    def _ours(self, body: object, kind: str) -> bool:
        return isinstance(body, str) and body.split("\n", 1)[0].strip() == comment.marker(kind, self.app)

    def _upsert_comment(self, body: str) -> None:
        rest, event = self.rest, self.event
        assert rest is not None
        existing = next((item for item in rest.pages(f"/repos/{event.repository}/issues/{event.number}/comments")
                         if isinstance(item, dict) and self._ours(item.get("body"), "comment")), None)
        if existing is None:
            rest.post(f"/repos/{event.repository}/issues/{event.number}/comments", {"body": body})
        elif existing.get("body") != body:
            rest.patch(f"/repos/{event.repository}/issues/comments/{existing['id']}", {"body": body})

    def _replace_review(self, made: list[suggestions.Suggestion]) -> None:
        """Post the suggestions as one review; the previous review of this app loses its comments
        and says it was superseded (a submitted review cannot be deleted). The same suggestions
        on the same commit are left as they are."""
        rest, event = self.rest, self.event
        assert rest is not None
        base = f"/repos/{event.repository}/pulls/{event.number}"
        previous = [item for item in rest.pages(f"{base}/reviews")
                    if isinstance(item, dict) and self._ours(item.get("body"), "review")]
        wanted = [s.to_api() for s in made]
        head = event.head_sha or event.sha
        if previous and made:
            last = previous[-1]
            old = [_comparable(c) for c in rest.pages(f"{base}/reviews/{last['id']}/comments")]
            if last.get("commit_id") == head and sorted(old) == sorted(_comparable(c) for c in wanted):
                previous = previous[:-1]
                made = []
        for review in previous:
            for item in rest.pages(f"{base}/reviews/{review['id']}/comments"):
                if isinstance(item, dict) and "id" in item:
                    rest.delete(f"/repos/{event.repository}/pulls/comments/{item['id']}")
            if review.get("body") != suggestions.SUPERSEDED:
                rest.put(f"{base}/reviews/{review['id']}", {"body": suggestions.SUPERSEDED})
        if made:
            rest.post(f"{base}/reviews", {"commit_id": head, "event": "COMMENT",
                                          "body": suggestions.review_body(self.app, made), "comments": wanted})


def _comparable(item: Mapping[str, Any]) -> tuple[str, int, int, str]:
    line = item.get("line") if isinstance(item.get("line"), int) else 0
    start = item.get("start_line") if isinstance(item.get("start_line"), int) else line
    return (str(item.get("path", "")), int(start or 0), int(line or 0), str(item.get("body", "")))


def app_key(prefix: str) -> str:
    """The checked folder, workspace-relative ("." for the workspace itself): one comment per app."""
    return prefix.rstrip("/") or "."


def run_url(environ: Mapping[str, str]) -> str:
    server = (environ.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    repository, run_id = environ.get("GITHUB_REPOSITORY", ""), environ.get("GITHUB_RUN_ID", "")
    return f"{server}/{repository}/actions/runs/{run_id}" if repository and run_id else ""

