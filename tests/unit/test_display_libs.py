"""``make run`` on a fresh machine: what Qt's display plugin lacks is read from ``ldd`` and
named as the Debian packages to install."""

from __future__ import annotations

from tools.display_libs import missing, packages

LDD = """/venv/PySide6/Qt/plugins/platforms/libqxcb.so:
\tlinux-vdso.so.1 (0x00007ffd4a1f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f2a1c000000)
\tlibxcb-cursor.so.0 => not found
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f2a1bf79000)
/venv/PySide6/Qt/lib/libQt6XcbQpa.so.6:
\tlibxcb-icccm.so.4 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibweird.so.9 => not found
"""


def test_what_the_display_plugin_lacks_is_named_as_packages() -> None:
    libs = missing(LDD)
    assert libs == [
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxkbcommon-x11.so.0",
        "libweird.so.9",
    ]
    needed, unknown = packages(libs)
    assert needed == ["libxcb-cursor0", "libxcb-icccm4", "libxkbcommon-x11-0"]
    assert unknown == ["libweird.so.9"]


def test_nothing_missing_says_nothing() -> None:
    assert missing("\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x1)\n") == []
