"""Export of the tracker, with the list's filters: CSV and XLSX (cells a spreadsheet would run as
formulas neutralised) and a PDF report (counts by status, a bar chart, the table)."""

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlmodel import Session, col, select

from career_app.services.applications.board import _order, _search_conditions
from career_app.services.applications.core import _seeker
from models.application import Application, ApplicationStatus
from models.base import utcnow
from models.user import User


MAX_EXPORT_ROWS = 10_000
EXPORT_COLUMNS = ("company_name", "job_title", "status", "applied_on", "location", "job_url", "notes", "resume_sent",
                  "cover_letter_sent", "interviews", "created_at", "updated_at")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, or a tab/CR before one) is read as
    text: an apostrophe in front, which spreadsheets show as nothing."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def rounds_text(rounds: list[dict] | None) -> str:
    """Interview rounds as a person writes them in a cell: "Phone screen, 2026-11-20 14:00, passed
    (Good on SQL); Onsite, pending"."""
    parts = []
    for item in rounds or []:
        when = item.get("scheduled_at")
        if when:
            try:
                when = datetime.fromisoformat(str(when)).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                pass
        feedback = " ".join(str(item.get("feedback") or "").split())
        words = ", ".join(str(w) for w in (item.get("name"), when, item.get("outcome") or "pending") if w)
        parts.append(words + (f" ({feedback})" if feedback else ""))
    return "; ".join(parts)


def _cell(app: Application, column: str) -> str:
    value = getattr(app, column)
    if value is None:
        return ""
    if column == "interviews":
        return neutralise(rounds_text(value))
    return neutralise(value.isoformat() if hasattr(value, "isoformat") else str(value))


def _exported(session: Session, user: User, statuses: list[ApplicationStatus] | None, q: str | None, sort: str,
              order: str) -> list[Application]:
    _seeker(user)
    conditions = _search_conditions(user, q) + ([col(Application.status).in_(statuses)] if statuses else [])
    return list(session.exec(select(Application).where(*conditions).order_by(*_order(sort, order))
                             .limit(MAX_EXPORT_ROWS)).all())


def export_rows(session: Session, user: User, *, statuses: list[ApplicationStatus] | None = None,
                q: str | None = None, sort: str = "updated_at", order: str = "desc") -> list[list[str]]:
    """The header and one row per application matching the list's filters (at most MAX_EXPORT_ROWS)."""
    apps = _exported(session, user, statuses, q, sort, order)
    return [list(EXPORT_COLUMNS)] + [[_cell(app, column) for column in EXPORT_COLUMNS] for app in apps]


PDF_COLUMNS = (("company_name", "Company", 40), ("job_title", "Job title", 44), ("status", "Status", 12),
               ("applied_on", "Applied", 10), ("location", "Location", 26))


def report_rows(session: Session, user: User, *, statuses: list[ApplicationStatus] | None = None,
                q: str | None = None, sort: str = "updated_at", order: str = "desc") -> list[tuple[str, ...]]:
    """The PDF report's table: plain text cells (a PDF runs no formulas), each cut to its column's width."""
    apps = _exported(session, user, statuses, q, sort, order)

    def cell(app: Application, column: str, width: int) -> str:
        value = getattr(app, column)
        value = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
        value = " ".join(value.split())
        return value if len(value) <= width else value[:width - 1] + "\u2026"

    return [tuple(cell(app, column, width) for column, _, width in PDF_COLUMNS) for app in apps]


def to_pdf(rows: list[tuple[str, ...]], title: str = "Applications") -> bytes:
    """A report: the summary (total, counts by status, a bar chart of them drawn with reportlab's
    shapes), then the table of applications."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    status_at = [column for column, _, _ in PDF_COLUMNS].index("status")
    counts = {status.value: 0 for status in ApplicationStatus}
    for row in rows:
        counts[row[status_at]] = counts.get(row[status_at], 0) + 1
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, author="Career Copilot",
                            leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm)
    story = [Paragraph(title, styles["Title"]),
             Paragraph(f"Generated {utcnow():%Y-%m-%d %H:%M} UTC. Total: {len(rows)} applications.", styles["Normal"]),
             Paragraph(" \u00b7 ".join(f"{status}: {n}" for status, n in counts.items()), styles["Normal"]),
             Spacer(1, 6 * mm)]

    width, height, left, bottom = doc.width, 60 * mm, 12 * mm, 10 * mm
    chart = Drawing(width, height)
    top = max(counts.values()) or 1
    slot = (width - left) / len(counts)
    chart.add(Line(left, bottom, width, bottom, strokeColor=colors.grey))
    for k, (status, n) in enumerate(counts.items()):
        bar = (height - bottom - 10 * mm) * n / top
        x = left + k * slot + slot * 0.15
        chart.add(Rect(x, bottom, slot * 0.7, bar, fillColor=colors.HexColor("#4f6bed"), strokeColor=None))
        chart.add(String(x + slot * 0.35, bottom + bar + 2, str(n), fontSize=8, textAnchor="middle"))
        chart.add(String(x + slot * 0.35, bottom - 9, status, fontSize=8, textAnchor="middle"))
    story += [chart, Spacer(1, 6 * mm)]

    if rows:
        table = LongTable([[label for _, label, _ in PDF_COLUMNS], *rows], repeatRows=1,
                          colWidths=[doc.width * w / sum(w for _, _, w in PDF_COLUMNS) for _, _, w in PDF_COLUMNS])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ebfa")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f7fb")]),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    else:
        story.append(Paragraph("No applications match these filters.", styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # a BOM: spreadsheets then read UTF-8


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # always text: openpyxl would take a string starting with "=" as a formula
    return cell


def to_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Applications")
    for row in rows:
        sheet.append([_text_cell(sheet, value) if value else None for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
