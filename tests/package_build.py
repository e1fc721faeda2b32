"""The package the packaging tests check, built once per run in the background.

``make dist``'s build (packaging/build.py) takes a few minutes; it starts as soon as the run's
tests are collected, if any of them is a packaging test, and runs beside the database and GUI
tests, which come first. The packaging tests wait for it. It builds into a folder of its own,
never the checkout's build/ and dist/, with an uncompressed .deb (compressing is dpkg's work,
not rmdesk's, and takes as long as the build).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 1_200


class Build:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="rmdesk-package-"))
        self.log = self.folder / "build.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "packaging" / "build.py"),
                    "--compress",
                    "none",
                    "--build",
                    str(self.folder / "build"),
                    "--dist",
                    str(self.folder / "dist"),
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def result(self) -> tuple[Path, Path]:
        """The frozen folder and the .deb, once built; a failed build is an error with its log."""
        code = self.process.wait(timeout=TIMEOUT_S)
        if code != 0:
            tail = self.log.read_text(errors="replace")[-4_000:]
            raise RuntimeError(f"packaging/build.py failed ({code}):\n{tail}")
        debs = sorted((self.folder / "dist").glob("rmdesk_*.deb"))
        return self.folder / "build" / "frozen" / "rmdesk", debs[0]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


started: Build | None = None
