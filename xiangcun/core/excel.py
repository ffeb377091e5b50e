"""Excel 导入导出 — the import framework every app reuses (households now; incidents, applications later).

An app describes a sheet as an :class:`Importer`: its columns (the Chinese headers counties use, whether a
cell is required, a parser), a ``validate`` step for checks across rows and against the database, and a
``write`` step that saves the valid rows in bulk. :func:`run` reads an uploaded ``.xlsx`` with openpyxl in
read-only mode, parses every cell, collects a per-row report (row number, column header, message, code) and
writes according to the mode:

- ``all`` (the default): nothing is written when any row fails;
- ``valid``: the valid rows are written, the others reported. Rows of one ``group`` (a household and its
  members) stand or fall together.

Long files run in the background as an :class:`~xiangcun.core.models.ImportJob` (a Huey task, see
``core/tasks.py``); the page polls its progress. Templates (:func:`build_template`) carry the header row and
a second sheet "说明" listing each column's meaning, allowed values and an example.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from zipfile import BadZipFile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.core.models import ImportJob
from xiangcun.core.services import Actor

logger = logging.getLogger(__name__)

Mode = ImportJob.Mode
PROGRESS_EVERY = 500  # rows between two progress updates of a job
REPORT_LIMIT = 5000  # errors kept in a job's report (the counts stay exact)


# --- parsers: cell value -> Python value, or ValidationError with a code ---------------------------------

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int | None = None) -> Callable[[Any], str]:
    """A text cell; numbers typed into it (an ID stored as a number) come back without ".0"."""

    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        result = str(value).strip()
        if max_length and len(result) > max_length:
            raise ValidationError(_("At most %(n)d characters.") % {"n": max_length}, code="too_long")
        return result

    return parse


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(_("Not a whole number."), code="number_invalid") from None
        if number != number.to_integral_value():
            raise ValidationError(_("Not a whole number."), code="number_invalid")
        result = int(number)
        if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
            raise ValidationError(_("The number must lie between %(min)s and %(max)s.")
                                  % {"min": minimum if minimum is not None else "…",
                                     "max": maximum if maximum is not None else "…"}, code="number_range")
        return result

    return parse


def decimal(minimum: Decimal | None = None, places: int = 2) -> Callable[[Any], Decimal]:
    quantum = Decimal(1).scaleb(-places)

    def parse(value: Any) -> Decimal:
        raw = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValidationError(_("Not a number."), code="number_invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Not a number."), code="number_invalid")
        if minimum is not None and number < minimum:
            raise ValidationError(_("The amount may not be below %(min)s.") % {"min": minimum}, code="number_range")
        return number.quantize(quantum)

    return parse


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> date:
    """An Excel date, or 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
    raw = raw.split(" ")[0] if re.match(r"^\d{4}-\d{1,2}-\d{1,2} \d", raw) else raw
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                raise ValidationError(_("This date does not exist."), code="date_invalid") from None
    raise ValidationError(_("Not a date; write it as 2024-03-01."), code="date_format")


def choice(mapping: dict[str, str], *, shown: Sequence[str] = ()) -> Callable[[Any], str]:
    """A value from a list: Chinese labels (and the stored codes themselves) map to the stored code.

    ``shown`` are the labels listed in the template and in the error message (all keys by default).
    """
    lookup = {key.strip().lower(): code for key, code in mapping.items()}
    lookup.update({code.lower(): code for code in mapping.values()})
    listed = list(shown) or list(mapping)

    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = str(value).strip().lower()
        if key not in lookup:
            raise ValidationError(_("Unknown value; use one of: %(values)s.") % {"values": "、".join(listed)},
                                  code="choice_unknown")
        return lookup[key]

    parse.choices = listed  # the template's "allowed values" column and drop-down list
    return parse


# --- the sheet description --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of a sheet: ``header`` is the Chinese text counties use (the file format, not translated)."""

    key: str
    header: str
    parser: Callable[[Any], Any] = field(default_factory=text)
    required: bool = False
    note: str = ""
    example: Any = ""
    width: int = 14
    as_text: bool = False  # formatted as text in the template (IDs, phones: Excel would round them)

    @property
    def choices(self) -> Sequence[str]:
        return getattr(self.parser, "choices", ())


@dataclass
class RowError:
    row: int
    column: str
    message: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code}


@dataclass
class Row:
    """One data row of the file: ``number`` is its row number in Excel, ``values`` the parsed cells."""

    number: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    group: Any = None  # rows with the same group are written together or not at all
    data: dict[str, Any] = field(default_factory=dict)  # what validate() resolved (village, person …)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str, code: str) -> None:
        self.errors.append(RowError(self.number, column, str(message), code))

    def error_from(self, column: str, error: ValidationError) -> None:
        self.error(column, " ".join(str(message) for message in error.messages), error.code or "invalid")


@dataclass
class ImportResult:
    total: int = 0
    valid: int = 0
    invalid: int = 0
    written: int = 0
    written_ids: list[int] = field(default_factory=list)  # see Importer.written_ids
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False  # whether anything was written

    @property
    def report(self) -> list[dict[str, Any]]:
        return [error.as_dict() for error in self.errors]


class Importer:
    """One kind of sheet. Subclasses set the class attributes and implement ``validate`` and ``write``."""

    kind: str = ""  # "households.members": the job's kind and the template's URL part
    sheet_title: str = ""  # the data sheet's name in the workbook
    title: Any = ""  # shown on the page (translated)
    columns: tuple[Column, ...] = ()
    service: str = ""  # dotted path of the service that runs it: f(*, actor, job_or_file, mode) -> ImportResult
    notes: tuple[str, ...] = ()  # lines on top of the "说明" sheet

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def header(self, key: str) -> str:
        return self.column(key).header

    def validate(self, rows: list[Row], *, actor: Actor) -> None:
        """Checks across rows and against the database; record problems with ``row.error``."""

    def write(self, rows: list[Row], *, actor: Actor) -> int:
        """Save the valid rows (inside the caller's transaction); return the number of records written."""
        raise NotImplementedError

    def written_ids(self, rows: list[Row]) -> list[int]:
        """After ``write``: the ids of the rows the import's result page links to (kept on the job), e.g. the
        households an import of members registered. None by default."""
        return []


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    REGISTRY[importer.kind] = importer
    return importer


def get_importer(kind: str) -> Importer:
    if kind not in REGISTRY:
        raise ServiceError(_("Unknown kind of import."), code=CoreErrorCode.IMPORT_KIND_UNKNOWN, status=404)
    return REGISTRY[kind]


# --- reading ---------------------------------------------------------------------------------------------

def _normal_header(value: Any) -> str:
    return re.sub(r"[\s*＊]", "", str(value or "")).replace("（", "(").replace("）", ")")


def read_rows(importer: Importer, source: IO[bytes] | str | Path,
              progress: Callable[[int, int], None] | None = None) -> tuple[list[Row], list[RowError], int]:
    """Parse every data row of the importer's sheet (the first sheet when none has its name).

    Returns the rows, the file-level errors (unreadable file, missing columns: reported on row 1) and the
    total row count. Blank rows are skipped; row numbers are Excel's.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        logger.info("import file unreadable: %s", type(exc).__name__)
        return [], [RowError(1, "", _("The file is not an Excel workbook (.xlsx)."), "file_unreadable")], 0
    try:
        named = importer.sheet_title in workbook.sheetnames
        sheet = workbook[importer.sheet_title] if named else workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header_row = next(lines, None) or ()
        positions: dict[str, int] = {}
        wanted = {_normal_header(column.header): column for column in importer.columns}
        for index, value in enumerate(header_row):
            column = wanted.get(_normal_header(value))
            if column is not None and column.key not in positions:
                positions[column.key] = index
        missing = [column for column in importer.columns if column.required and column.key not in positions]
        if missing:
            return [], [RowError(1, column.header, _("This column is missing from the header row."), "column_missing")
                        for column in missing], 0
        expected = max((sheet.max_row or 1) - 1, 0)
        columns = [(column, positions[column.key]) for column in importer.columns if column.key in positions]
        rows: list[Row] = []
        for number, cells in enumerate(lines, start=2):
            if not cells or all(_blank(cell) for cell in cells):
                continue
            row = Row(number=number, values={})
            for column, position in columns:
                value = cells[position] if position < len(cells) else None
                if _blank(value):
                    if column.required:
                        row.error(column.header, _("This cell is required."), "required")
                    row.values[column.key] = None
                    continue
                try:
                    row.values[column.key] = column.parser(value)
                except ValidationError as error:
                    row.error_from(column.header, error)
                    row.values[column.key] = None
            for column in importer.columns:
                row.values.setdefault(column.key, None)
            rows.append(row)
            if progress is not None and len(rows) % PROGRESS_EVERY == 0:
                progress(len(rows), max(expected, len(rows)))
    finally:
        workbook.close()
    return rows, [], len(rows)


def _fail_groups(rows: list[Row]) -> None:
    """A row of a group failed: the group's other rows cannot be written either; say so on each."""
    failed: dict[Any, int] = {}
    for row in rows:
        if row.errors and row.group is not None and row.group not in failed:
            failed[row.group] = row.number
    for row in rows:
        if row.ok and row.group in failed:
            row.error("", _("Row %(row)d of the same household has errors.") % {"row": failed[row.group]},
                      "group_failed")


def run(importer: Importer, source: IO[bytes] | str | Path, *, actor: Actor, mode: str = Mode.ALL_OR_NOTHING,
        progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Read, validate and (according to ``mode``) write one file; the write is one transaction."""
    rows, file_errors, total = read_rows(importer, source, progress)
    result = ImportResult(total=total)
    if file_errors:
        result.errors = file_errors
        return result
    if rows:
        importer.validate(rows, actor=actor)
        _fail_groups(rows)
    if progress is not None:
        progress(total, total)
    valid = [row for row in rows if row.ok]
    result.valid, result.invalid = len(valid), total - len(valid)
    result.errors = sorted((error for row in rows for error in row.errors), key=lambda error: error.row)
    if valid and (mode == Mode.VALID_ONLY or not result.invalid):
        with transaction.atomic():
            result.written = importer.write(valid, actor=actor)
        result.written_ids = importer.written_ids(valid)
        result.imported = True
    return result


# --- jobs ------------------------------------------------------------------------------------------------

def _jobs_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sync_rows() -> int:
    """Files up to this many rows are imported during the upload's request; longer ones in the background."""
    return int(settings.IMPORT_SYNC_ROWS)


def count_rows(path: Path, sheet_title: str = "") -> int:
    """The sheet's row count from its stored dimensions (cheap; 0 when the file does not say)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # an unreadable file is reported by the import itself
        return 0
    try:
        sheet = workbook[sheet_title] if sheet_title in workbook.sheetnames else workbook.worksheets[0]
        return max((sheet.max_row or 1) - 1, 0)
    finally:
        workbook.close()


@transaction.atomic
def import_job_create(*, actor: Actor, importer: Importer, upload: IO[bytes], file_name: str,
                      mode: str = Mode.ALL_OR_NOTHING) -> ImportJob:
    """Store the uploaded file under MEDIA_ROOT/imports/ and queue a job for it (导入任务)."""
    if mode not in Mode.values:
        raise ServiceError(_("Unknown import mode."), code=CoreErrorCode.IMPORT_MODE_UNKNOWN)
    stored = _jobs_dir() / f"{uuid.uuid4().hex}.xlsx"
    with stored.open("wb") as handle:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
            handle.write(chunk)
    job = ImportJob(kind=importer.kind, created_by=actor, file_name=Path(file_name).name[:200],
                    stored_file=stored.name, mode=mode, language=translation.get_language() or "",
                    total=count_rows(stored, importer.sheet_title))
    job.full_clean()
    job.save()
    return job


def _update_progress(job: ImportJob) -> Callable[[int, int], None]:
    def progress(processed: int, total: int) -> None:
        job.processed, job.total = processed, total
        ImportJob.objects.filter(pk=job.pk).update(processed=processed, total=total)

    return progress


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job (in the worker, or in the request for short files) and keep its report.

    Not one transaction: the progress updates must be visible to the page polling them; the importer's
    write is its own transaction (see :func:`run`).
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return job
    job.status = ImportJob.Status.RUNNING
    path = _jobs_dir() / job.stored_file
    service = import_string(get_importer(job.kind).service)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            result = service(actor=job.created_by, job_or_file=job, mode=job.mode)
    except ServiceError as error:
        job.status, job.message = ImportJob.Status.FAILED, error.message[:300]
    except Exception:
        logger.exception("import job %s failed", job.pk)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            job.status, job.message = ImportJob.Status.FAILED, _("The import failed; nothing was saved.")
    else:
        job.status = ImportJob.Status.DONE
        job.total, job.processed = result.total, result.total
        job.valid_count, job.error_count, job.created_count = result.valid, result.invalid, result.written
        job.report = result.report[:REPORT_LIMIT]
        job.written_ids = result.written_ids
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "total", "processed", "valid_count", "error_count",
                            "created_count", "report", "written_ids", "finished_at"])
    path.unlink(missing_ok=True)
    return job


def import_job_start(job: ImportJob) -> ImportJob:
    """Run a short file now; queue a long one for the worker (or run it now when Huey is immediate)."""
    from xiangcun.core import tasks

    if job.total <= sync_rows():
        return import_job_run(job.pk)
    transaction.on_commit(lambda: tasks.import_job_task(job.pk))
    return job


def source_of(job_or_file) -> tuple[IO[bytes] | Path, Callable[[int, int], None] | None]:
    """The file to read and the progress callback for a service's ``job_or_file`` argument."""
    if isinstance(job_or_file, ImportJob):
        return _jobs_dir() / job_or_file.stored_file, _update_progress(job_or_file)
    return job_or_file, None


# --- writing workbooks -----------------------------------------------------------------------------------

def _styles():
    from openpyxl.styles import Alignment, Font, PatternFill

    return (Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="206BC4"),
            Alignment(horizontal="center", vertical="center", wrap_text=True))


def build_template(importer: Importer) -> bytes:
    """The empty template: styled header row (required columns marked *), drop-down lists, a "说明" sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    font, fill, align = _styles()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.sheet_title
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if column.required else ""))
        cell.font, cell.fill, cell.alignment = font, fill, align
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.as_text:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
        listed = ",".join(column.choices)
        if column.choices and len(listed) < 250:
            validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 28

    notes = workbook.create_sheet("说明")
    for line, note in enumerate(importer.notes, start=1):
        notes.cell(row=line, column=1, value=note)
    start = len(importer.notes) + 2
    for index, header in enumerate(("列名", "是否必填", "说明", "可填写的值", "示例"), start=1):
        cell = notes.cell(row=start, column=index, value=header)
        cell.font, cell.fill, cell.alignment = font, fill, align
    for offset, column in enumerate(importer.columns, start=1):
        values = (column.header, "是" if column.required else "否", column.note, "、".join(column.choices),
                  str(column.example))
        for index, value in enumerate(values, start=1):
            notes.cell(row=start + offset, column=index, value=value)
    for letter, width in zip("ABCDE", (16, 10, 48, 48, 22), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_workbook(importer: Importer, rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook in the template's layout (same sheet name and headers) holding ``rows``: an export."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    font, fill, align = _styles()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(importer.sheet_title)
    for index, column in enumerate(importer.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in importer.columns:
        cell = WriteOnlyCell(sheet, value=column.header + ("*" if column.required else ""))
        cell.font, cell.fill, cell.alignment = font, fill, align
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
