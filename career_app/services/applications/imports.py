"""Import of applications from CSV, JSON or XLSX (judged by content): columns found by their common
names or the caller's mapping, statuses and dates as spreadsheets write them, every row checked on
its own, duplicates of what is tracked (or of an earlier row) skipped; a dry run stores nothing."""

import csv
import io
import json
import re
import uuid
import zipfile
from datetime import date, datetime

import redis
from openpyxl import load_workbook
from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy import text as sql_text
from sqlmodel import Session, col, select

from career_app.services.applications.core import _seeker
from career_app.services.applications.exports import _FORMULA_STARTS
from career_app.services.applications.notify import _publish_changed
from career_app.services.errors import InvalidInput, PayloadTooLarge
from career_app.services.plain_errors import field_words, quoted, sentences
from models.application import Application, ApplicationEvent
from models.application_schemas import (ApplicationCreate, ImportDuplicate, ImportPreviewRow, ImportReport,
                                        ImportRowError)
from models.base import utcnow
from models.user import User


MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
MAX_XLSX_SHEETS = 100
MAX_IMPORT_COLUMNS = 500
MAX_ROW_ERRORS = 200  # listed in the report; `error_count` has them all
PREVIEW_ROWS = 20
IMPORT_FIELDS = ("company_name", "job_title", "job_url", "location", "status", "applied_on", "notes", "resume_sent",
                 "cover_letter_sent")
# Common spreadsheet headers, normalised (lower case, spaces for _ and -), for each field.
HEADER_NAMES = {
    "company_name": ("company", "company name", "employer", "organisation", "organization", "firm"),
    "job_title": ("title", "job title", "job", "position", "role", "job name"),
    "job_url": ("url", "job url", "link", "job link", "posting", "posting url", "job posting"),
    "location": ("location", "city", "place"),
    "status": ("status", "stage", "state"),
    "applied_on": ("applied on", "applied", "date applied", "applied date", "application date", "date"),
    "notes": ("notes", "note", "comments", "comment"),
    "resume_sent": ("resume sent", "resume", "cv"),
    "cover_letter_sent": ("cover letter sent", "cover letter"),
}
_HEADER_INDEX = {alias: field for field, aliases in HEADER_NAMES.items() for alias in (field.replace("_", " "), *aliases)}


def _header_key(name) -> str:
    return " ".join(str(name or "").lower().replace("_", " ").replace("-", " ").split())


def _columns(headers: list, mapping: dict[str, str] | None) -> dict[int, str]:
    """Which field each column fills: the caller's mapping first (their header -> field), then the
    common names. A field is filled from its first column only."""
    if len(headers) > MAX_IMPORT_COLUMNS:
        raise InvalidInput(f"The file has more than {MAX_IMPORT_COLUMNS} columns")
    custom = {_header_key(k): v for k, v in (mapping or {}).items()}
    columns, taken = {}, set()
    for index, header in enumerate(headers):
        key = _header_key(header)
        field = custom.get(key) or _HEADER_INDEX.get(key)
        if field in IMPORT_FIELDS and field not in taken:
            columns[index] = field
            taken.add(field)
    if not {"company_name", "job_title"} <= taken:
        raise InvalidInput("No company and job title columns found; name them (e.g. Company, Title) or send a mapping")
    return columns


def _unneutralise(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def _decode_text(data: bytes) -> str:
    """Text as spreadsheets save it: UTF-16 with its BOM ("Unicode text"), UTF-8 with or without a
    BOM, else Windows-1252 (Excel's "CSV" on Windows)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInput("The CSV file is not readable UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InvalidInput("The CSV file is not UTF-8 (or Windows-1252) text") from None


CSV_DELIMITERS = ",;\t|"


def _delimiter(text: str) -> str:
    """The separator the header line uses most (outside quotes): a comma, or the semicolon that
    Excel writes in locales with a decimal comma, a tab or a bar."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows_csv(data: bytes) -> tuple[list, list[tuple[int, list]]]:
    text = _decode_text(data)
    try:
        reader = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise InvalidInput(f"The CSV file cannot be read: {exc}") from None
    if not reader:
        raise InvalidInput("The file is empty")
    return reader[0], [(number, row) for number, row in enumerate(reader[1:], start=2) if any(c.strip() for c in row)]


def _rows_json(data: bytes) -> tuple[list, list[tuple[int, list]]]:
    try:
        items = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[..." past the parser's depth
        raise InvalidInput("The JSON file cannot be read") from None
    if isinstance(items, dict):
        items = items.get("applications", items.get("items"))
    if not isinstance(items, list):
        raise InvalidInput("The JSON file must hold a list of objects (or {\"applications\": [...]})")
    if len(items) > MAX_IMPORT_ROWS:
        raise PayloadTooLarge(f"Import files are limited to {MAX_IMPORT_ROWS} rows")
    headers = list(dict.fromkeys(key for item in items if isinstance(item, dict) for key in item))
    rows = [(number, [item.get(h) for h in headers] if isinstance(item, dict) else None)
            for number, item in enumerate(items, start=1)]
    return headers, rows


def _rows_xlsx(data: bytes, mapping: dict[str, str] | None) -> tuple[list, list[tuple[int, list]]]:
    """The first sheet whose header row names a company and a title (by common names or the mapping)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise InvalidInput("The XLSX file unpacks to more than 50 MB")
            # counted before openpyxl reads the workbook: thousands of tiny sheets cost seconds to load
            if sum(1 for name in archive.namelist() if name.startswith("xl/worksheets/")
                   and name.endswith(".xml")) > MAX_XLSX_SHEETS:
                raise InvalidInput(f"The XLSX file has more than {MAX_XLSX_SHEETS} sheets; "
                                   "copy the one with your applications into a new file")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InvalidInput:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise InvalidInput("The XLSX file cannot be read") from None
    sheet = None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            headers = list(next(rows, None) or [])
            try:
                _columns(headers, mapping)
            except InvalidInput:
                continue
            found = []
            for number, row in enumerate(rows, start=2):
                if any(c not in (None, "") for c in row):
                    found.append((number, list(row)))
                if len(found) > MAX_IMPORT_ROWS:
                    break
            return headers, found
    except InvalidInput:
        raise
    except Exception as exc:  # read-only: a sheet's XML is parsed only now, as its rows are read
        raise InvalidInput(f"The XLSX file could not be read: {_damage(exc, sheet)}") from None
    finally:
        book.close()
    raise InvalidInput("No sheet has company and job title columns")


def _damage(exc: Exception, sheet) -> str:
    """What is wrong with a sheet, as the parser says it ("undefined entity: line 1, column 354"),
    in one short line of printable text, with the sheet's name."""
    def line(value, limit: int) -> str:
        return "".join(c for c in " ".join(str(value).split()) if c.isprintable())[:limit]

    where = f'sheet "{line(sheet.title, 40)}": ' if sheet is not None else ""
    return where + (line(exc, 200) or type(exc).__name__)


# What people write in a spreadsheet's status column, for each status (besides its own name).
STATUS_WORDS = {
    "saved": ("wishlist", "wish list", "to apply", "bookmarked", "interested", "planned", "draft"),
    "applied": ("submitted", "sent", "application sent", "applied online", "pending"),
    "interviewing": ("interview", "interviews", "interviewed", "in interview", "screening", "phone screen",
                     "technical interview", "onsite", "in progress"),
    "offer": ("offered", "offer received", "got offer"),
    "accepted": ("hired", "offer accepted", "accepted offer"),
    "declined": ("offer declined", "declined offer", "turned down"),
    "rejected": ("rejection", "not selected", "no", "denied"),
    "withdrawn": ("withdrew", "withdraw", "cancelled", "canceled"),
}
_STATUS_INDEX = {word: status for status, words in STATUS_WORDS.items() for word in (status, *words)}


def _status_word(value: str) -> str:
    """A status cell as the status it means (case, spaces, _ and - ignored); else as written (the row
    then reports the allowed values)."""
    key = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
    return _STATUS_INDEX.get(key, key)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_WORDY_DATES = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%Y/%m/%d")


def _day_first(cells: list[str | None]) -> bool | None:
    """How a file writes its numeric dates: day first (31/12/2026) or month first (12/31/2026), as
    told by any cell where one of the two numbers is over 12; None when no cell tells."""
    days_first = months_first = False
    for cell in cells:
        if cell and (match := _NUMERIC_DATE.fullmatch(cell.strip())):
            first, second = int(match[1]), int(match[2])
            days_first |= first > 12 >= second
            months_first |= second > 12 >= first
    return days_first if days_first != months_first else None


def _date_word(value: str, day_first: bool | None) -> str:
    """An applied date as spreadsheets write it, as YYYY-MM-DD: ISO; 31/12/2026, 31.12.2026 or
    12/31/2026 (the order the file's other dates show; ValueError when both orders are possible);
    20 Nov 2026, Nov 20, 2026. Anything else is left as written (the row then reports it)."""
    text = " ".join(value.replace(",", " ").split())
    if _ISO_DATE.fullmatch(text):  # the common case, left to the schema as it is
        return text
    if (match := _NUMERIC_DATE.fullmatch(text)) is not None:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if first != second and first <= 12 and second <= 12 and day_first is None:
            raise ValueError("could be day/month or month/day; write it as YYYY-MM-DD")
        day, month = (first, second) if (day_first or first > 12) and second <= 12 else (second, first)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return value
    for pattern in _WORDY_DATES:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return value


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    value = _unneutralise(str(value)).strip()
    return value or None


def _dedup_key(company: str, title: str) -> str:
    return " ".join(f"{company} | {title}".casefold().split())


def _url_key(url: str | None) -> str | None:
    return url.strip().lower().rstrip("/") if url else None


def _duplicate(number: int, item: ApplicationCreate, first: tuple, *, same_link: bool) -> ImportDuplicate:
    """Which row repeats what: an application already tracked, or an earlier row of the file."""
    earlier, company, title = first
    what = f"{company} — {title}"
    how = "has the same job link as" if same_link else "is"
    if earlier is None:
        reason = f"{how} {what}, already in your applications"
    else:
        reason = f"has the same job link as row {earlier} ({what})" if same_link else f"repeats row {earlier} ({what})"
    return ImportDuplicate(row=number, company_name=item.company_name, job_title=item.job_title, of_row=earlier,
                           reason=reason)


def import_file(session: Session, user: User, data: bytes, file_name: str | None, *, dry_run: bool = False,
                mapping: dict[str, str] | None = None, r: redis.Redis | None = None) -> ImportReport:
    """CSV, JSON or XLSX (judged by content) into applications: every row checked on its own (a bad
    row is reported with its number and never blocks the others), rows already tracked (same job
    URL, or the same company and title) or repeated in the file skipped as duplicates. With
    dry_run nothing is stored and the report previews what would be."""
    _seeker(user)
    if not data.strip():
        raise InvalidInput("The file is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise PayloadTooLarge("Import files are limited to 5 MB")
    if mapping and (unknown := set(mapping.values()) - set(IMPORT_FIELDS)):
        raise InvalidInput(f"Unknown fields in the mapping: {', '.join(sorted(unknown))}")
    if data[:4] == b"PK\x03\x04":
        headers, rows = _rows_xlsx(data, mapping)
    elif data.lstrip()[:1] in (b"[", b"{"):
        headers, rows = _rows_json(data)
    else:
        headers, rows = _rows_csv(data)
    if len(rows) > MAX_IMPORT_ROWS:
        raise PayloadTooLarge(f"Import files are limited to {MAX_IMPORT_ROWS} rows")
    columns = _columns(headers, mapping)

    date_at = next((index for index, field in columns.items() if field == "applied_on"), None)
    day_first = _day_first([_as_text(row[date_at]) for _, row in rows
                            if row is not None and date_at is not None and date_at < len(row)])

    if not dry_run:  # one import per seeker at a time: two at once would both miss the other's rows
        session.exec(sql_text("SELECT pg_advisory_xact_lock(hashtext('tracker-import:' || :user_id))")
                     .bindparams(user_id=str(user.id)))
    existing = session.exec(select(Application.company_name, Application.job_title, Application.job_url)
                            .where(Application.user_id == user.id, col(Application.deleted_at).is_(None))).all()
    # What each key was first seen as: an application already tracked, or an earlier row of the file.
    seen_keys = {_dedup_key(c, t): (None, c, t) for c, t, _ in existing}
    seen_urls = {_url_key(u): (None, c, t) for c, t, u in existing if u}
    errors, duplicate_rows, duplicates, error_count, valid = [], [], 0, 0, []
    for number, row in rows:
        if row is None:
            problems = ["this item is not an object with named fields (e.g. {\"company\": …, \"title\": …})"]
        else:
            fields = {field: _as_text(row[index]) for index, field in columns.items() if index < len(row)}
            if fields.get("status"):
                fields["status"] = _status_word(fields["status"])
            unclear = [f"{field_words(name)} is empty" for name in ("company_name", "job_title") if not fields.get(name)]
            if fields.get("applied_on"):
                try:
                    fields["applied_on"] = _date_word(fields["applied_on"], day_first)
                except ValueError as exc:
                    unclear.append(f"{field_words('applied_on')} {quoted(fields['applied_on'])} {exc}")
                    fields["applied_on"] = None
            try:
                item = ApplicationCreate.model_validate({k: v for k, v in fields.items() if v is not None})
                problems = unclear
            except ValidationError as exc:
                # the empty company or title is said once, not again as the schema's "give job_id, or ..."
                problems = unclear + [p for p in sentences(exc) if not (unclear and p.startswith("give job_id"))]
        if problems:
            error_count += 1
            if len(errors) < MAX_ROW_ERRORS:
                errors.append(ImportRowError(row=number, errors=problems))
            continue
        key, url = _dedup_key(item.company_name, item.job_title), _url_key(item.job_url)
        first = seen_keys.get(key) or (seen_urls.get(url) if url else None)
        if first is not None:
            duplicates += 1
            if len(duplicate_rows) < MAX_ROW_ERRORS:
                duplicate_rows.append(_duplicate(number, item, first, same_link=key not in seen_keys))
            continue
        seen_keys[key] = (number, item.company_name, item.job_title)
        if url:
            seen_urls[url] = (number, item.company_name, item.job_title)
        valid.append((number, item))

    if not dry_run and valid:
        # Plain bulk INSERTs: building 20,000 ORM objects took most of a 10,000-row import.
        now = utcnow()
        apps = [{"id": uuid.uuid4(), "user_id": user.id, "created_at": now, "updated_at": now, "interviews": [],
                 **{name: getattr(item, name) for name in IMPORT_FIELDS}}
                for _, item in valid]
        session.execute(insert(Application), apps)
        session.execute(insert(ApplicationEvent), [
            {"id": uuid.uuid4(), "application_id": app["id"], "kind": "created", "from_status": None,
             "to_status": app["status"], "at": now, "changes": {"imported": file_name or True}} for app in apps])
        session.commit()
        _publish_changed(r, user, [app["id"] for app in apps])  # imported history: nothing to announce
    preview = [ImportPreviewRow(row=number, **item.model_dump(include=set(IMPORT_FIELDS)))
               for number, item in valid[:PREVIEW_ROWS]]
    return ImportReport(dry_run=dry_run, rows=len(rows), created=len(valid), duplicates=duplicates,
                        duplicate_rows=duplicate_rows, error_count=error_count, errors=errors, preview=preview,
                        columns={str(headers[i]): field for i, field in columns.items()})
