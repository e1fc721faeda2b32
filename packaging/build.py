"""Build rmdesk for a bank's desktops: ``make dist`` runs this.

    python packaging/build.py [--no-deb] [--compress gzip|xz] [--build DIR] [--dist DIR]

1. the frozen one-folder build (PyInstaller, packaging/rmdesk.spec) in ``build/frozen/rmdesk``:
   ``rmdesk`` and ``rmdesk-cli`` with everything they need, no Python on the target;
2. on Linux, a Debian package ``dist/rmdesk_<version>_<arch>.deb`` that installs it under
   ``/opt/rmdesk`` with both programs on the PATH, a desktop entry (客户经理工作台) and its icon,
   and the sample of IT's settings file in ``/usr/share/doc/rmdesk``. It has no maintainer
   scripts: dpkg's own triggers refresh the menus and icon caches, and removing the package
   removes every file it brought (rmdesk writes nothing under /opt at run time).

On Windows the same spec makes the folder; packaging/windows/rmdesk.iss wraps it in an
installer (docs/deploy.md, "Windows").
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations" / "rmdesk_zh_CN.qm"
ICON_PNG = ROOT / "resources" / "icons" / "rmdesk.png"
ICON_SVG = ROOT / "resources" / "icons" / "rmdesk.svg"
INSTALL_DIR = "opt/rmdesk"

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Version=1.0
Name=rmdesk
Name[zh_CN]=客户经理工作台
GenericName=Relationship manager's workstation
GenericName[zh_CN]=客户经理工作台
Comment=Your book of clients, risk flags, cross-sell and visit plans
Comment[zh_CN]=客户名单、风险预警、交叉销售与拜访计划
Exec=rmdesk
Icon=rmdesk
Terminal=false
Categories=Office;Finance;
Keywords=bank;CRM;client;relationship manager;
Keywords[zh_CN]=银行;客户经理;客户;营销;
StartupWMClass=rmdesk
"""

#: what the frozen build does not carry and a desktop must have: Qt's X11 plugin's libraries
#: (tools/display_libs.py lists them for `make run` too), OpenGL and the C library. Where a
#: package was renamed (Debian 13, Ubuntu 24.04: the 64-bit time_t transition) either name will do.
DEPENDS = [
    "libc6 (>= 2.28)",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libglib2.0-0t64 | libglib2.0-0",
    "libgomp1",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-xfixes0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
]


def run(*command: str) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from rmdesk import __version__

    return __version__


def windows_icon() -> None:
    """The .ico Windows wants, from the PNG (Pillow comes with matplotlib); the spec takes it
    from build/icons."""
    from PIL import Image

    (ROOT / "build" / "icons").mkdir(parents=True, exist_ok=True)
    sizes = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    Image.open(ICON_PNG).save(ROOT / "build" / "icons" / "rmdesk.ico", sizes=sizes)


def freeze(build: Path) -> Path:
    """The frozen folder, ``build/frozen/rmdesk``."""
    if not TRANSLATIONS.exists():
        raise SystemExit(f"{TRANSLATIONS} is missing: run `make translations` first")
    if sys.platform == "win32":
        windows_icon()
    frozen = build / "frozen" / "rmdesk"
    run(
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(frozen.parent),
        "--workpath",
        str(build / "pyinstaller"),
        str(ROOT / "packaging" / "rmdesk.spec"),
    )
    if sys.platform != "win32":  # one program under two names (the spec makes one)
        cli = frozen / "rmdesk-cli"
        cli.unlink(missing_ok=True)
        cli.symlink_to("rmdesk")
    return frozen


def _size_kb(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file()) // 1024 + 1


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def deb(frozen: Path, build: Path, dist: Path, compress: str) -> Path:
    """The Debian package of the frozen folder, built without root (files owned by root)."""
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()
    ver = version()
    stage = build / "deb" / "root"
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / INSTALL_DIR
    shutil.copytree(frozen, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    for program in ("rmdesk", "rmdesk-cli"):
        (stage / "usr" / "bin" / program).symlink_to(f"/{INSTALL_DIR}/{program}")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "rmdesk.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor"
    for size, source in (("256x256", ICON_PNG), ("scalable", ICON_SVG)):
        (icons / size / "apps").mkdir(parents=True)
        shutil.copy2(source, icons / size / "apps" / source.name)
    doc = stage / "usr" / "share" / "doc" / "rmdesk"
    doc.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / "settings.sample.toml", doc / "settings.sample.toml")
    shutil.copy2(ROOT / "docs" / "deploy.md", doc / "deploy.md")
    (doc / "copyright").write_text(
        "rmdesk: proprietary. Bundled: Python, Qt (LGPLv3, via PySide6), and the libraries\n"
        "listed in /opt/rmdesk/_internal/*.dist-info, each under its own licence; the\n"
        "WenQuanYi Micro Hei font under the Apache License 2.0 or GPLv3 with the font exception\n"
        "(/opt/rmdesk/_internal/resources/fonts/wqy-microhei.LICENSE.txt).\n",
        encoding="utf-8",
    )
    for path in stage.rglob("*"):  # what dpkg installs is readable by every user
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    control = stage / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: rmdesk\n"
        f"Version: {ver}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {os.environ.get('RMDESK_DEB_MAINTAINER', 'rmdesk <rmdesk@localhost>')}\n"
        f"Installed-Size: {_size_kb(stage)}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: the relationship manager's workstation (客户经理工作台)\n"
        " rmdesk shows each relationship manager their book of clients ranked by profit\n"
        " contribution, with risk flags, cross-sell suggestions that explain themselves and\n"
        " a visit plan; branch heads review scorecards and reassign clients. It runs on a\n"
        " local SQLite file or on the bank's PostgreSQL database, named in\n"
        " /etc/rmdesk/settings.toml (see /usr/share/doc/rmdesk).\n",
        encoding="utf-8",
    )
    (control / "md5sums").write_text(_md5sums(stage), encoding="utf-8")
    dist.mkdir(parents=True, exist_ok=True)
    out = dist / f"rmdesk_{ver}_{arch}.deb"
    run(
        "dpkg-deb",
        f"-Z{compress}",
        "--root-owner-group",
        "--build",
        str(stage),
        str(out),
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-deb", action="store_true", help="the frozen folder only")
    parser.add_argument(
        "--compress",
        choices=["gzip", "xz", "none"],
        default="gzip",
        help="the .deb's compression: gzip (fast to build, every dpkg reads it), xz (smaller,"
        " slower to build) or none (the packaging test's)",
    )
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="work folder")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the .deb goes")
    args = parser.parse_args()
    frozen = freeze(args.build.resolve())
    print(f"frozen: {frozen} ({_size_kb(frozen) / 1024:,.0f} MB)")
    if sys.platform.startswith("linux") and not args.no_deb:
        if shutil.which("dpkg-deb") is None:
            raise SystemExit("dpkg-deb is missing: install dpkg, or build with --no-deb")
        out = deb(frozen, args.build.resolve(), args.dist.resolve(), args.compress)
        print(f"package: {out} ({out.stat().st_size / 1024 / 1024:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
