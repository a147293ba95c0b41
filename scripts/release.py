#!/usr/bin/env python3
"""What the release workflow (.github/workflows/release.yml) changes for a release tag, in one place.

    release.py version TAG              set deploy_check.__version__ from the tag (v1.2.3 -> 1.2.3)
    release.py image-args TAG REVISION SOURCE
                                        the `docker build` arguments of the prebuilt action image,
                                        one a line: its OCI labels (source, version, revision)
    release.py action-yml IMAGE         point action.yml at the prebuilt image (docker://IMAGE)
                                        instead of building the top-level Dockerfile

Run from the repository's root; standard library only (and `packaging` for the version check,
where it is installed). A bad argument is one line on stderr and exit status 2.
"""
from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INIT = ROOT / "src" / "deploy_check" / "__init__.py"
ACTION_YML = ROOT / "action.yml"
_VERSION_LINE = re.compile(r'^__version__ = "[^"\n]*"$', re.MULTILINE)
_IMAGE_LINE = re.compile(r"^  image: Dockerfile$", re.MULTILINE)
# A release tag: v, then a PEP 440 public version (1.2.3, 1.2.3rc1, 1.2.3.post1).
_TAG = re.compile(r"^v(\d+(?:\.\d+){2}(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)$")
# An image reference with a registry host, a lower-case path and a tag and/or a digest.
_IMAGE = re.compile(r"^[a-z0-9.-]+(?::\d+)?(?:/[a-z0-9._-]+)+(?::[A-Za-z0-9_.-]{1,128})?(?:@sha256:[0-9a-f]{64})?$")


class ReleaseError(Exception):
    """A bad tag, image or file: one line, exit 2."""


def version_from_tag(tag: str) -> str:
    match = _TAG.match(tag.strip())
    if not match:
        raise ReleaseError(f"{tag!r} is not a release tag (v1.2.3, v1.2.3rc1)")
    return match.group(1)


def with_version(init_text: str, version: str) -> str:
    if len(_VERSION_LINE.findall(init_text)) != 1:
        raise ReleaseError("src/deploy_check/__init__.py: expected one __version__ = \"...\" line")
    return _VERSION_LINE.sub(f'__version__ = "{version}"', init_text)


def image_labels(tag: str, revision: str, source: str) -> dict[str, str]:
    """The OCI labels of the released action image (what ghcr.io shows and links)."""
    if not re.fullmatch(r"[0-9a-f]{40}", revision):
        raise ReleaseError(f"revision {revision!r} is not a full commit sha")
    if not re.fullmatch(r"https://[A-Za-z0-9./_-]+", source):
        raise ReleaseError(f"source {source!r} is not an https URL")
    return {
        "org.opencontainers.image.source": source,
        "org.opencontainers.image.version": version_from_tag(tag),
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.title": "deploy-check",
        "org.opencontainers.image.description": "The niblit/deploy-check GitHub Action",
        "org.opencontainers.image.licenses": "MIT",
    }


def build_args(labels: dict[str, str]) -> list[str]:
    return [argument for name, value in labels.items() for argument in ("--label", f"{name}={value}")]


def released_action_yml(text: str, image: str) -> str:
    """action.yml with `image: Dockerfile` replaced by the prebuilt image; nothing else changes."""
    if not _IMAGE.match(image):
        raise ReleaseError(f"{image!r} is not an image reference (ghcr.io/owner/name:tag or @sha256:...)")
    if len(_IMAGE_LINE.findall(text)) != 1:
        raise ReleaseError("action.yml: expected one `  image: Dockerfile` line under runs:")
    return _IMAGE_LINE.sub(f"  image: docker://{image}", text)


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["version"] and len(argv) == 2:
            version = version_from_tag(argv[1])
            INIT.write_text(with_version(INIT.read_text(encoding="utf-8"), version), encoding="utf-8")
            print(version)
        elif argv[:1] == ["image-args"] and len(argv) == 4:
            print("\n".join(build_args(image_labels(argv[1], argv[2], argv[3]))))  # one per line: mapfile -t
        elif argv[:1] == ["action-yml"] and len(argv) == 2:
            ACTION_YML.write_text(released_action_yml(ACTION_YML.read_text(encoding="utf-8"), argv[1]),
                                  encoding="utf-8")
        else:
            raise ReleaseError("usage: release.py version TAG | image-args TAG REVISION SOURCE | action-yml IMAGE")
    except ReleaseError as error:
        print(f"release.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
