"""What a release's prebuilt action image saves a user's job: pulling it against building it.

    .venv/bin/python bench/action_image.py [RUNS]     # default 3

Both start from the base image already present (`python:3.12-slim`: a build
needs it as much as a pull does). The build side is `docker build --no-cache`
of the top-level Dockerfile, as the runner builds a `image: Dockerfile` action
in every job: it times the build and adds up the bytes pip fetches (the pinned
wheels of action-requirements.txt). The pull side pushes that image to a local
registry (Debian's `docker-registry`, on loopback, skipped when not installed),
removes it and times `docker pull`: only the action's own layers travel, and
their compressed size is what it fetches. Everything it creates it removes.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
BASE = "python:3.12-slim"
TAG = f"deploy-check-bench-action:{os.getpid()}"
REGISTRY_CONFIG = """version: 0.1
storage:
  filesystem:
    rootdirectory: {root}
http:
  addr: 127.0.0.1:{port}
"""


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def timed(*args: str) -> float:
    start = time.perf_counter()
    docker(*args)
    return time.perf_counter() - start


def layers(image: str) -> list[str]:
    return json.loads(docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", image))


def pip_bytes() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, "-r",
                        str(ROOT / "action-requirements.txt")], check=True, capture_output=True)
        return sum(path.stat().st_size for path in pathlib.Path(tmp).iterdir())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pull_side(runs: int, own_layers: int) -> tuple[list[float], int] | None:
    """Seconds per `docker pull` of the action image from a loopback registry, and the compressed
    bytes of its own (last `own_layers`) layers, as the registry's manifest lists them."""
    binary = shutil.which("docker-registry")
    if binary is None:
        print("pull: skipped (apt-get install docker-registry for a loopback registry)")
        return None
    port = free_port()
    remote = f"127.0.0.1:{port}/deploy-check-bench:{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        config = pathlib.Path(tmp) / "config.yml"
        config.write_text(REGISTRY_CONFIG.format(root=pathlib.Path(tmp) / "store", port=port))
        registry = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            docker("tag", TAG, remote)
            docker("push", "-q", remote)
            name, tag = remote.split("/", 1)[1].split(":")
            request = urllib.request.Request(f"http://127.0.0.1:{port}/v2/{name}/manifests/{tag}", headers={
                "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                manifest = json.load(response)
            compressed = sum(layer["size"] for layer in manifest["layers"][-own_layers:]) if own_layers else 0
            seconds = []
            for _ in range(runs):
                docker("rmi", remote)
                docker("rmi", TAG)   # the layers go with the last tag: the pull has to fetch them
                seconds.append(timed("pull", "-q", remote))
                docker("tag", remote, TAG)
            docker("rmi", remote)
            return seconds, compressed
        finally:
            registry.terminate()
            registry.wait(timeout=30)


def main(runs: int) -> None:
    base_size = int(docker("image", "inspect", "--format", "{{.Size}}", BASE))
    builds = []
    try:
        for _ in range(runs):
            builds.append(timed("build", "-q", "--no-cache", "-t", TAG, str(ROOT)))
        size = int(docker("image", "inspect", "--format", "{{.Size}}", TAG))
        own = [layer for layer in layers(TAG) if layer not in set(layers(BASE))]
        fetched = pip_bytes()
        print(f"base {BASE}: {base_size / 1e6:.1f} MB; action image {size / 1e6:.1f} MB "
              f"(+{(size - base_size) / 1e6:.1f} MB in {len(own)} layers of its own)")
        print(f"build (--no-cache, base present): median {statistics.median(builds):.1f} s of {runs} "
              f"({', '.join(f'{s:.1f}' for s in builds)}), fetching {fetched / 1e6:.1f} MB of wheels from PyPI")
        pulled = pull_side(runs, len(own))
        if pulled is not None:
            seconds, compressed = pulled
            print(f"pull (loopback registry, base present): median {statistics.median(seconds):.2f} s of {runs} "
                  f"({', '.join(f'{s:.2f}' for s in seconds)}), fetching {compressed / 1e6:.1f} MB "
                  "(the action's own layers, compressed)")
    finally:
        subprocess.run(["docker", "rmi", "-f", TAG], capture_output=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
