from __future__ import annotations

import pytest

from deploy_check.ignores import ignored_on_line


@pytest.mark.parametrize(
    "line, expected",
    [
        ("x = 1", set()),
        ("x = 1  # deploy-check: ignore", {"*"}),
        ("x = 1  # deploy-check: ignore[database-path]", {"database-path"}),
        ("x = 1  # deploy-check: ignore[database-path, upload-path]", {"database-path", "upload-path"}),
        ("x = 1  #deploy-check:ignore[app-port]", {"app-port"}),
        ("EXPOSE 8000 # deploy-check: ignore[dockerfile-port]", {"dockerfile-port"}),
        ("x = 1  # deploy-check: ignore[]", set()),
        ("x = 1  # deploy-check ignore", set()),
    ],
)
def test_ignored_on_line(line, expected):
    assert ignored_on_line(line) == expected
