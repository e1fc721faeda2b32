"""A text table's bytes checked before a parser sees them: one encoding for the whole file, the
length of every line, the number of lines, and whether a NUL character is anywhere.

The file is read in blocks of whole lines, never whole, and the first block that breaks a limit
stops the reading. The encoding: UTF-8 when every line is UTF-8 (a byte-order mark says so too);
else GB18030, which contains GBK, when every line is valid in it and the text reads as Chinese.
A file mostly in UTF-8 with some lines in another encoding is refused, naming the first such
line. Latin-1 and cp1252 accept any bytes at all, so they are never guessed: ``--encoding``
names them (or any other encoding), and then every line must be valid in it.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from rmdesk.services.data.importing.limits import MAX_LINE_BYTES, MAX_ROWS, MIB, size
from rmdesk.services.data.importing.problems import Problems, quote

BLOCK_BYTES = 8 * MIB
UTF8_BOM = b"\xef\xbb\xbf"
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-16 or UTF-32
HINT = "if the file is in another encoding, give it with --encoding (e.g. cp1252 or gbk)"
_CJK = re.compile("[\u4e00-\u9fff]")
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


@dataclass
class TextFile:
    """What the scan found: how to decode the file, and what the parser may meet."""

    encoding: str
    start: int  # the first byte of text (after a byte-order mark)
    header: str  # the first line
    lines: int  # lines in the file, the header's included
    blank_lines: bool  # an empty line somewhere (Arrow's fast reader would skip it)
    has_nul: bool  # a NUL character somewhere; the cell check says where


@dataclass
class _BadLine:
    line: int
    offset: int  # of the first bad byte, from the start of the file
    text: bytes  # the line's beginning


class _Refused(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def scan(
    fh: BinaryIO, name: str, problems: Problems, *, encoding: str | None = None
) -> TextFile | None:
    """Check the text file ``fh`` (a regular file, opened in binary); None after a problem."""
    try:
        return _Scan(fh, encoding).run()
    except _Refused as refused:
        problems.add(name, refused.line, None, refused.message)
        return None


class _Scan:
    def __init__(self, fh: BinaryIO, encoding: str | None) -> None:
        self.fh = fh
        self.forced = _codec(encoding) if encoding else None
        self.codec = self.forced
        self.start = 0
        self.newline = b"\n"
        self.lines = 0
        self.blank = False
        self.nul = False
        self.utf8 = True  # every line so far is UTF-8
        self.first_bad: _BadLine | None = None  # the first line that is not
        self.utf8_lines = 0  # lines with non-ASCII text that are valid UTF-8 ...
        self.other_lines = 0  # ... and lines that are not (counted only for a file not UTF-8)

    def run(self) -> TextFile:
        head = self.fh.read(MAX_LINE_BYTES + len(UTF8_BOM) + 2)
        header = self._header(head)
        for offset, first_line, block in self._blocks():
            self._check_block(offset, first_line, block)
        if self.codec is None:
            self.codec = self._choose()
        return TextFile(
            encoding=self.codec,
            start=self.start,
            header=header.decode(self.codec),
            lines=self.lines,
            blank_lines=self.blank,
            has_nul=self.nul,
        )

    def _header(self, head: bytes) -> bytes:
        text = head[len(UTF8_BOM) :] if head.startswith(UTF8_BOM) else head
        if not text.strip():
            raise _Refused(None, "the file is empty")
        if head[:2] == b"PK":
            self.fh.seek(0)
            if zipfile.is_zipfile(self.fh):
                raise _Refused(
                    None,
                    "this is an Excel workbook, not a text table; "
                    "save it as CSV or give the .xlsx file",
                )
        if head.startswith(WIDE_BOMS) and self.forced is None:
            raise _Refused(
                None, "this is UTF-16 or UTF-32 text; save it as UTF-8 (or GBK) and import it again"
            )
        if head.startswith(UTF8_BOM) and self.codec in (None, "utf-8"):
            self.start, self.codec = len(UTF8_BOM), "utf-8"
        if b"\n" not in head and b"\r" in head:
            self.newline = b"\r"  # old Mac line ends
        end = head.find(self.newline, self.start)
        if end < 0:
            if len(head) > MAX_LINE_BYTES:
                raise _Refused(1, _too_long())
            end = len(head)
        header = head[self.start : end].rstrip(b"\r")
        if b"\x00" in header:
            raise _Refused(None, "this is not a text table (it contains binary data)")
        return header

    def _blocks(self) -> Iterator[tuple[int, int, bytes]]:
        """(offset, number of its first line, block) from the text's start, in whole lines."""
        self.fh.seek(self.start)
        offset, line, carry = self.start, 1, b""
        while True:
            chunk = self.fh.read(BLOCK_BYTES)
            if not chunk:
                if carry:
                    yield offset, line, carry
                return
            buf = carry + chunk if carry else chunk
            cut = buf.rfind(self.newline) + 1
            if cut == 0:
                if len(buf) > MAX_LINE_BYTES:
                    raise _Refused(line, _too_long())
                carry = buf
                continue
            block, carry = buf[:cut], buf[cut:]
            yield offset, line, block
            offset += len(block)
            line += block.count(self.newline)
            if len(carry) > MAX_LINE_BYTES:
                raise _Refused(line, _too_long())

    def _lines(self, block: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The block's bytes, and where each of its lines starts and ends (before the break)."""
        arr = np.frombuffer(block, dtype=np.uint8)
        ends = np.flatnonzero(arr == self.newline[0])
        if not block.endswith(self.newline):
            ends = np.append(ends, len(block))
        return arr, np.concatenate(([0], ends[:-1] + 1)), ends

    def _check_block(self, offset: int, first_line: int, block: bytes) -> None:
        arr, starts, ends = self._lines(block)
        lengths = ends - starts
        too_long = np.flatnonzero(lengths > MAX_LINE_BYTES)
        if too_long.size:
            raise _Refused(first_line + int(too_long[0]), _too_long())
        self.lines += len(ends)
        if self.lines - 1 > MAX_ROWS:
            raise _Refused(
                MAX_ROWS + 2,  # the first line past the limit
                f"more than {MAX_ROWS:,} rows, the limit of rows per table; "
                "split the file (e.g. by month) and import the parts one after another",
            )
        if not self.blank:
            nonempty = lengths > 0
            self.blank = bool(np.any(~nonempty)) or bool(
                np.any(arr[starts[nonempty]][lengths[nonempty] == 1] == 13)
            )
        self.nul = self.nul or b"\x00" in block
        if self.codec is not None:
            try:
                block.decode(self.codec)
            except UnicodeDecodeError as exc:
                bad = _bad_at(block, exc.start, offset, first_line, self.newline)
                raise _Refused(bad.line, self._not_valid(bad)) from None
        elif self.utf8 and not block.isascii():
            try:
                block.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.utf8 = False
                self.first_bad = _bad_at(block, exc.start, offset, first_line, self.newline)

    def _count_utf8(self, block: bytes) -> None:
        """Count the lines with non-ASCII text that are UTF-8 and those that are not."""
        if block.isascii():
            return
        arr, starts, ends = self._lines(block)
        line_of = np.searchsorted(ends, np.flatnonzero(arr >= 0x80))  # sorted
        in_line = line_of[np.concatenate(([True], np.diff(line_of) != 0))]
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            self.utf8_lines += len(in_line)
            return
        for i in in_line.tolist():
            try:
                block[int(starts[i]) : int(ends[i])].decode("utf-8")
            except UnicodeDecodeError:
                self.other_lines += 1
            else:
                self.utf8_lines += 1

    def _choose(self) -> str:
        """UTF-8, GB18030, or a refusal naming the first line that is neither."""
        bad = self.first_bad
        if bad is None:
            return "utf-8"
        for _offset, _line, block in self._blocks():  # a second pass, for such files only
            self._count_utf8(block)
        if self.utf8_lines >= self.other_lines:
            raise _Refused(
                bad.line,
                f"this line is not UTF-8 but {self.utf8_lines:,} other lines are; a file "
                f"must be in one encoding (first bad byte at offset {bad.offset:,}): "
                f"{_show(bad, 'utf-8')}; save the whole file as UTF-8, or give --encoding",
            )
        gb_bad, chinese = self._try_gb18030()
        if gb_bad is None and chinese:
            return "gb18030"
        if gb_bad is not None and gb_bad.offset > bad.offset:
            raise _Refused(
                gb_bad.line,
                "this line is not valid GBK/GB18030 like the lines before it (first bad byte "
                f"at offset {gb_bad.offset:,}): {_show(gb_bad, 'gb18030')}; {HINT}",
            )
        raise _Refused(
            bad.line,
            "this line is neither UTF-8 nor GBK/GB18030 (first bad byte at offset "
            f"{bad.offset:,}): {_show(bad, 'utf-8')}; {HINT}",
        )

    def _try_gb18030(self) -> tuple[_BadLine | None, bool]:
        """The first line not valid in GB18030 (None: all are), and whether it reads as Chinese:
        latin-1 bytes often decode as GB18030 too, but real Chinese is mostly ideographs."""
        wide = odd = 0
        for offset, first_line, block in self._blocks():
            try:
                text = block.decode("gb18030")
            except UnicodeDecodeError as exc:
                return _bad_at(block, exc.start, offset, first_line, self.newline), False
            ideographs = _count(_CJK, text)
            wide += ideographs + _count(_CJK_PUNCTUATION, text)
            odd += _count(_NON_ASCII, text) - ideographs
        return None, bool(wide) and odd <= wide // 10

    def _not_valid(self, bad: _BadLine) -> str:
        assert self.codec is not None
        if self.forced is None:  # a UTF-8 byte-order mark
            return (
                "this line is not UTF-8, though the file begins with a UTF-8 byte-order mark "
                f"(first bad byte at offset {bad.offset:,}): {_show(bad, 'utf-8')}; "
                "save the whole file as UTF-8"
            )
        return (
            f"this line is not valid {self.codec} (first bad byte at offset {bad.offset:,}): "
            f"{_show(bad, self.codec)}"
        )


def _codec(encoding: str) -> str:
    """The codec's canonical name, if it keeps line breaks and separators as single bytes."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise _Refused(None, f"unknown encoding {quote(encoding)}") from None
    name = "utf-8" if info.name == "utf-8-sig" else info.name
    probe = "a,b;c\t|\"'\r\n"
    try:
        same = probe.encode(name) == probe.encode("ascii")
    except UnicodeError:
        same = False
    if not same:
        raise _Refused(
            None,
            f"the encoding {quote(encoding)} is not supported for tables: "
            "save the file as UTF-8 (or GBK) and import it again",
        )
    return name


def _bad_at(block: bytes, pos: int, offset: int, first_line: int, newline: bytes) -> _BadLine:
    start = block.rfind(newline, 0, pos) + 1
    end = block.find(newline, start)
    return _BadLine(
        first_line + block.count(newline, 0, start),
        offset + pos,
        block[start : len(block) if end < 0 else end],
    )


def _show(bad: _BadLine, codec: str) -> str:
    """The line's start as the message quotes it; bad bytes show as \\xNN (not doubled)."""
    text = bad.text[:400].rstrip(b"\r").decode(codec, "backslashreplace")
    return quote(text).replace("\\\\", "\\")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return pattern.subn("", text)[1]


def _too_long() -> str:
    return (
        f"the line is longer than {size(MAX_LINE_BYTES)}, the limit of line length "
        "(is this a text table?)"
    )
