"""The rows of a spreadsheet file (TSV, CSV or .xlsx), each with the line it starts on, as text."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from bot.engine.text import has_han
from bot.improve.importing.model import CannotImport, Finding, control_character

Progress = Callable[[int, int], None]
XLSX_EXTRA = 'reading .xlsx needs the xlsx extra: pip install "faqbot[xlsx]"'
csv.field_size_limit(16 * 1024 * 1024)  # an answer may be long; the default 128 KiB cuts real exports


def text_encoding(path: Path) -> str:
    """"utf-8-sig"; or "gb18030" for Chinese text that is not UTF-8 (Excel on Chinese Windows saves CSV in GBK, which
    GB18030 extends). Raises CannotImport for other text: Latin-1 and the like would be read as wrong characters.
    Read a megabyte at a time: an export of any size is checked without holding it whole."""
    try:
        with open(path, "rb") as stream:
            start = _first_bad_utf8(stream)
            if start is None:
                return "utf-8-sig"
            stream.seek(0)
            chinese = _mostly_common_chinese(stream)
    except OSError as err:
        raise CannotImport(f"{path}: cannot be read ({err.strerror})") from None
    if not chinese:
        raise CannotImport(f"{path}: is not UTF-8 text (byte {start}): save it as UTF-8")
    return "gb18030"


_CHUNK = 1 << 20


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    return iter(lambda: stream.read(_CHUNK), b"")


def _first_bad_utf8(stream: BinaryIO) -> int | None:
    """The offset of the first byte that is not UTF-8 (a byte-order mark aside), None when all of them are."""
    offset = len(codecs.BOM_UTF8) if stream.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
    stream.seek(offset)
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in chain(_chunks(stream), [b""]):  # the empty one ends the text: a character cut short there is an error
        held = len(decoder.getstate()[0])  # the start of a character the last chunk cut in two
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as err:
            return offset - held + err.start
        offset += len(chunk)
    return None


def _mostly_common_chinese(stream: BinaryIO) -> bool:
    """Read as GB18030, Chinese characters, nearly all of them the everyday ones (GB2312's first level, bytes B0-D7
    then A1-FE: the 3,755 that make up 99 % of written Chinese). Latin-1, cp1252 or Big5 text read as GB18030 also
    gives Chinese characters, but rare ones: an accented letter or a sign followed by an ASCII letter falls outside
    that level."""
    han = common = 0
    try:
        for text in codecs.iterdecode(_chunks(stream), "gb18030"):
            for c in filter(has_han, text):
                b = c.encode("gb18030")
                han += 1
                common += len(b) == 2 and 0xB0 <= b[0] <= 0xD7 and 0xA1 <= b[1] <= 0xFE
    except UnicodeDecodeError:
        return False
    return han > 0 and common >= 0.8 * han


def rows(path: Path, *, tabs: bool | None = None, progress: Progress | None = None,
         encoding: str = "utf-8-sig") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each row of `path`. `tabs`: TSV; None guesses from the first line."""
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_rows(path, progress)
        return
    try:
        with open(path, encoding=encoding, newline="") as stream:
            first = stream.readline()
            stream.seek(0)
            if tabs is None:
                tabs = "\t" in first
            dialect = csv.excel_tab if tabs else _dialect(first)
            size = path.stat().st_size
            reader = csv.reader(_counted(stream, size, progress, encoding), dialect)
            line = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    raise CannotImport(f"{path}:{line}: cannot be read as {'TSV' if tabs else 'CSV'} ({err}): "
                                       "check the quotes on that line") from None
                yield line, [_unix_lines(cell) for cell in cells]
                line = reader.line_num + 1
    except UnicodeDecodeError as err:
        raise CannotImport(f"{path}: is not UTF-8 text (byte {err.start}): save it as UTF-8") from None
    except OSError as err:
        raise CannotImport(f"{path}: cannot be read ({err.strerror})") from None


def readable(name: str, table: Iterable[tuple[int, list[str]]], header: list[str], read: Sequence[str | None], *,
             errors: list[Finding], skipped: list[Finding], exact: bool) -> Iterator[tuple[int, list[str]]]:
    """The rows below `header` worth reading. An empty row is skipped; a row with more fields than the header
    (or, `exact`, any other number) or with a control character in a column read is an error. `read`: each
    column's name as the reader knows it, None for a column it leaves out ("answer" may hold line breaks)."""
    for line, cells in table:
        if not any(cell.strip() for cell in cells):
            skipped.append(Finding(name, line, "empty row"))
            continue
        if len(cells) != len(header) if exact else any(cell.strip() for cell in cells[len(header):]):
            errors.append(Finding(name, line, f"has {len(cells)} fields where the header has {len(header)}: "
                                  "a separator or line break inside a field that is not quoted?"))
            continue
        problem = next((p for title, column, cell in zip(header, read, cells) if column is not None
                        and (p := control_character(f"the {title.strip()} cell", cell, answer=column == "answer"))),
                       None)
        if problem:
            errors.append(Finding(name, line, problem))
            continue
        yield line, cells


class _Semicolons(csv.excel):
    delimiter = ";"


def _dialect(first: str) -> type[csv.Dialect]:
    """Excel's CSV, or its semicolon variant (written where the comma is the decimal mark), by the header."""
    return _Semicolons if first.count(";") > first.count(",") else csv.excel


def _counted(stream, size: int, progress: Progress | None, encoding: str) -> Iterator[str]:
    done = 0
    for number, text in enumerate(stream):
        done += len(text.encode(encoding, "replace")) if progress else 0
        if progress and number % 2000 == 0:
            progress(min(done, size), size)
        yield text
    if progress:
        progress(size, size)


def _xlsx_rows(path: Path, progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
    try:
        import openpyxl
    except ImportError:
        raise CannotImport(XLSX_EXTRA) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged or foreign file
        raise CannotImport(f"{path}: cannot be read as an Excel workbook ({type(err).__name__}: {err})") from None
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row or 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if progress and number % 2000 == 0:
                progress(number, total)
            yield number, ["" if v is None else _unix_lines(_text(v)) for v in values]
        if progress:
            progress(total, total)
    finally:
        book.close()


def _unix_lines(cell: str) -> str:
    """Line breaks inside a cell as "\n": a file saved on Windows ends lines inside quoted cells with "\r\n" too."""
    return cell.replace("\r\n", "\n").replace("\r", "\n") if "\r" in cell else cell


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
