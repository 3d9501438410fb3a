"""Tools we did not write that run on Node.js, each in its own package under ``tests/`` with a
lock file: installed on first use (``deploy/test`` installs them up front)."""

import os
import shutil
import subprocess
from pathlib import Path


def run_node(package: Path, script: str, *args: str, stdin: bytes | None = None, what: str) -> bytes:
    """Run ``package/script`` with ``args``; fails the test, naming ``what``, when it cannot."""
    node = shutil.which("node")
    assert node, f"Node.js is needed for {what} (apt-get install nodejs)"
    if not (package / "node_modules").exists():
        npm = shutil.which("npm")
        assert npm, f"npm is needed to install {what} (apt-get install npm)"
        subprocess.run(
            [npm, "ci", "--silent", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=package, check=True
        )
    out = subprocess.run(
        [node, str(package / script), *args],
        input=stdin,
        capture_output=True,
        check=False,
        env={**os.environ, "TZ": "UTC"},
        timeout=120,
    )
    assert out.returncode == 0, f"{what} failed: {out.stderr.decode()[-2000:]}"
    return out.stdout
