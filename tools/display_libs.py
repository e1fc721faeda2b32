"""Before ``make run`` opens the app: the system libraries Qt needs to draw on a real X display.

PySide6's wheels carry Qt, but its X11 platform plugin (``libqxcb.so``) loads a dozen system
libraries a fresh Debian or Ubuntu machine may not have (``libxcb-cursor0`` above all). Without
them the app stops at start with "Could not load the Qt platform plugin xcb". This asks the
dynamic linker (``ldd``) what the plugin lacks and, on Linux:

- installs the packages with ``apt-get`` when it can (as root, or with ``sudo`` that asks for
  nothing), as ``.ci/run`` does for the tests;
- else stops, naming the exact ``apt-get install`` line to run.

Elsewhere (macOS, Windows) Qt brings what it needs, and this does nothing.

    python tools/display_libs.py [--check]   # --check: say what is missing, install nothing
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: the shared libraries Qt's xcb plugin (and LightGBM) load → the Debian package that has them
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgomp.so.1": "libgomp1",
}
NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def missing(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find, in its order, each once."""
    return list(dict.fromkeys(NOT_FOUND.findall(ldd_output)))


def packages(libraries: list[str]) -> tuple[list[str], list[str]]:
    """The Debian packages for ``libraries``, and the libraries no package here is known for."""
    known = [PACKAGES[lib] for lib in libraries if lib in PACKAGES]
    unknown = [lib for lib in libraries if lib not in PACKAGES]
    return sorted(set(known)), unknown


def _plugins() -> list[Path]:
    """Qt's X11 platform plugin and its xcb integration library, as installed with PySide6."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    found = [qt / "plugins" / "platforms" / "libqxcb.so"]
    found += sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]
    try:
        import lightgbm

        found += sorted(Path(lightgbm.__file__).parent.rglob("lib_lightgbm.so"))[:1]
    except ImportError:
        pass
    return [p for p in found if p.exists()]


def _ldd(paths: list[Path]) -> str:
    if not paths or shutil.which("ldd") is None:
        return ""
    done = subprocess.run(["ldd", *map(str, paths)], capture_output=True, text=True, check=False)
    return done.stdout


def _can_install() -> list[str] | None:
    """The command prefix that installs system packages without asking, or None."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is not None:
        asks = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if asks.returncode == 0:
            return ["sudo"]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="say what is missing, install nothing")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        return 0
    libraries = missing(_ldd(_plugins()))
    if not libraries:
        return 0
    needed, unknown = packages(libraries)
    line = "apt-get install " + " ".join(needed)
    print(f"Qt needs system libraries this machine lacks: {', '.join(libraries)}")
    prefix = None if args.check else _can_install()
    if needed and prefix is not None:
        print(f"installing: {' '.join(needed)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*prefix, "apt-get", "update", "-qq"], check=False, env=env)
        done = subprocess.run(
            [*prefix, "apt-get", "install", "-y", "-qq", *needed], check=False, env=env
        )
        if done.returncode == 0 and not missing(_ldd(_plugins())):
            return 0
    if needed:
        print(f"install them, then `make run` again:\n    sudo {line}")
    if unknown:
        print(f"(no package known here for {', '.join(unknown)}: your distribution's names)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
