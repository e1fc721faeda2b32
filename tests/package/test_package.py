"""The package as a bank's desktop gets it: `make dist`'s .deb installed into a clean root, its
programs run from there with no Python and no virtual environment on the PATH, then removed.

The root is made by dpkg itself (``dpkg --root``: an empty dpkg database, nothing else); the
package's dependencies are the system's (``--force-depends``), as they are on a desktop. The
frozen programs are run with a PATH holding only them, a fresh home, no CJK font visible to
Qt (a fontconfig set-up with no fonts) and no settings: what they need, they carry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from rmdesk import __version__
from rmdesk.db import SCHEMA_HEAD
from tests import package_build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built() -> tuple[Path, Path]:
    if shutil.which("dpkg-deb") is None and not os.environ.get("CI"):
        pytest.skip("dpkg-deb is not on this machine: the .deb cannot be built here")
    if package_build.started is None:  # collected alone: build now
        package_build.started = package_build.Build()
    return package_build.started.result()


def _dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["dpkg", f"--root={root}", "--force-depends", "--force-not-root", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def installed(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A clean root with the package installed in it by dpkg."""
    _frozen, deb = built
    root = tmp_path_factory.mktemp("root")
    admin = root / "var" / "lib" / "dpkg"
    for folder in ("info", "updates", "triggers"):
        (admin / folder).mkdir(parents=True)
    (admin / "status").touch()
    (admin / "available").touch()
    done = _dpkg(root, "--install", str(deb))
    assert done.returncode == 0, done.stderr
    yield root


def test_the_deb_says_what_it_is_and_needs(built: tuple[Path, Path]) -> None:
    _frozen, deb = built
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "Package: rmdesk" in fields and f"Version: {__version__}" in fields
    assert "libxcb-cursor0" in fields and "libxkbcommon-x11-0" in fields  # Qt's X11 plugin
    assert "客户经理工作台" in fields


def test_it_installs_under_opt_with_both_programs_on_the_path_and_a_menu_entry(
    installed: Path,
) -> None:
    opt = installed / "opt" / "rmdesk"
    assert os.access(opt / "rmdesk", os.X_OK)
    for program in ("rmdesk", "rmdesk-cli"):
        link = installed / "usr" / "bin" / program
        assert os.readlink(link) == f"/opt/rmdesk/{program}"
        assert os.access(installed / os.readlink(link).lstrip("/"), os.X_OK)
    entry = (installed / "usr/share/applications/rmdesk.desktop").read_text(encoding="utf-8")
    assert "Name[zh_CN]=客户经理工作台" in entry and "Exec=rmdesk\n" in entry
    assert "Icon=rmdesk" in entry
    assert (installed / "usr/share/icons/hicolor/256x256/apps/rmdesk.png").stat().st_size > 1_000
    sample = installed / "usr/share/doc/rmdesk/settings.sample.toml"
    assert "locked" in sample.read_text(encoding="utf-8")
    inside = opt / "_internal"
    assert (inside / "resources" / "fonts" / "wqy-microhei.ttc").exists()
    assert (inside / "resources" / "translations" / "rmdesk_zh_CN.qm").exists()
    assert (inside / "rmdesk" / "migrations" / "versions").is_dir()


@pytest.fixture(scope="module")
def desktop(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What a user's session gives the programs: the PATH with only them on it, a new home, no
    CJK font Qt can find, offscreen."""
    place = tmp_path_factory.mktemp("desktop")
    path = place / "bin"
    path.mkdir()
    for program in ("rmdesk", "rmdesk-cli"):  # as /usr/bin's links, into the installed root
        (path / program).symlink_to(installed / "opt" / "rmdesk" / program)
    fonts = place / "fonts.conf"
    fonts.write_text(
        f"<?xml version='1.0'?><fontconfig><cachedir>{place / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {
        "PATH": str(path),
        "HOME": str(place / "home"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "FONTCONFIG_FILE": str(fonts),
        "RMDESK_HOME": str(place / "home" / "rmdesk"),
        "RMDESK_SYSTEM_SETTINGS": str(place / "no-settings.toml"),
        "TZ": "Asia/Shanghai",
    }


def _run(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_command_line_runs_without_python(desktop: dict[str, str], tmp_path: Path) -> None:
    assert shutil.which("python3", path=desktop["PATH"]) is None
    version = _run(desktop, "rmdesk-cli", "--version", cwd=tmp_path)
    assert version.returncode == 0 and __version__ in version.stdout
    info = _run(desktop, "rmdesk-cli", "info", "--db", "new.sqlite3", cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    assert f"schema version: {SCHEMA_HEAD} (up to date)" in info.stdout


def test_the_command_line_makes_scores_and_prints_a_brief_with_its_font(
    desktop: dict[str, str], tmp_path: Path
) -> None:
    for args in (
        ("demo", "--clients", "200", "--quiet"),
        ("score", "--quiet"),  # scikit-learn, LightGBM and pandas in the frozen build
        ("brief", "C0000001", "-o", "brief.pdf"),
    ):
        done = _run(desktop, "rmdesk-cli", *args, "--db", "bank.sqlite3", cwd=tmp_path)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        assert "Traceback" not in done.stderr
    reader = PdfReader(tmp_path / "brief.pdf")
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "客户拜访简报" in text
    fonts = [
        font.get_object()
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    ]
    assert fonts and all("/FontFile2" in f["/FontDescriptor"] for f in fonts)  # embedded
    assert all("WenQuanYi" in str(f["/BaseFont"]) for f in fonts)
    log = Path(desktop["RMDESK_HOME"]) / "logs" / "rmdesk-cli.log"
    assert log.exists() and log.stat().st_mode & 0o777 == 0o600


def test_the_app_reaches_the_log_in_dialog_with_chinese_drawn_by_its_own_font(
    desktop: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "check.json"
    done = _run(
        desktop,
        "rmdesk",
        "--db",
        "app.sqlite3",
        "--lang",
        "zh_CN",
        "--check-start",
        str(report),
        cwd=tmp_path,
    )
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert done.returncode == 0, (done.stderr, seen)
    assert seen["ok"] and seen["dialog_shown"] and seen["title"] == "rmdesk — 登录"
    assert "客户经理工作台" in seen["texts"] and "用户名" in seen["texts"]
    # no system font has Chinese here: the bundled one is the application's font
    assert seen["fonts"]["app_font"] == "WenQuanYi Micro Hei"
    assert Path(seen["picture"]).stat().st_size > 2_000
    assert (Path(desktop["RMDESK_HOME"]) / "logs" / "rmdesk.log").exists()


def test_removing_it_leaves_nothing_behind(installed: Path) -> None:
    done = _dpkg(installed, "--purge", "rmdesk")
    assert done.returncode == 0, done.stderr
    left = [
        p.relative_to(installed).as_posix()
        for p in installed.rglob("*")
        if not p.is_dir() and "var/lib/dpkg" not in p.as_posix()
    ]
    assert left == []
    assert not (installed / "opt" / "rmdesk").exists()
