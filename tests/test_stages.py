"""Stage results: their JSON is the contract's, their figures formatted once."""
from __future__ import annotations

from deploy_check.run_report import Report
from deploy_check.stages import BuildStage
from deploy_check.stages import PackageStage
from deploy_check.stages import SmokeStage

MIB = 1024 * 1024


def test_skipped_stages_are_the_contract_s_json():
    data = Report(path=".").to_dict()
    assert data["build"] == {"status": "skipped", "seconds": None, "image_size_bytes": None, "dockerfile": None,
                             "fixed_tree": False}
    assert data["smoke"] == {"status": "skipped", "cold_start_seconds": None, "peak_memory_bytes": None,
                             "restart": "skipped"}
    assert data["package"] == {"status": "skipped", "path": None, "bytes": None, "files": None, "sha256": None}


def test_optional_fields_appear_once_set_in_their_order():
    smoke = SmokeStage("ok", 1.5, 40 * MIB, "ok", memory_limit_bytes=256 * MIB, answers={"/": 200})
    assert list(smoke.to_dict()) == ["status", "cold_start_seconds", "peak_memory_bytes", "restart",
                                     "memory_limit_bytes", "answers"]
    assert PackageStage(reason="2 error(s)").to_dict()["reason"] == "2 error(s)"
    assert "reason" not in BuildStage("ok", 1.0, 10).to_dict()
    assert BuildStage("error", reason="no engine").to_dict() == {
        "status": "error", "seconds": None, "image_size_bytes": None, "dockerfile": None, "fixed_tree": False,
        "reason": "no engine"}
    assert BuildStage("ok", note="the template").notes == ["the template"]


def test_describe_formats_what_was_measured():
    assert BuildStage("ok", 12.34, 150 * MIB).describe() == {"seconds": "12.3 s", "image": "150 MiB"}
    assert BuildStage("failed", 3.0, None).describe() == {"seconds": "3.0 s"}
    smoke = SmokeStage("ok", 1.25, 47 * MIB, "ok", memory_limit_bytes=256 * MIB)
    assert smoke.describe() == {"cold start": "1.2 s", "peak memory": "47 MiB", "memory limit": "256 MiB",
                                "memory share": "18%", "restart": "ok"}
    assert smoke.describe(512 * MIB)["memory limit"] == "512 MiB"
    assert SmokeStage("failed").describe() == {"restart": "skipped"}
    assert PackageStage("ok", "a.zip", 3 * MIB, 7, "ab").describe() == {"size": "3.00 MiB", "files": "7 files",
                                                                       "sha256": "ab"}
    assert PackageStage(reason="blocked").describe() == {}
