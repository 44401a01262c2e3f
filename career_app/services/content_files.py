"""DOCX and PDF files of the studio's documents, made from their text alone. The file starts with the
letter (or the resume) itself: the person's name set apart, then the text as written, line breaks
kept (the contact line, the sign-off and the name under it); headings and bullets of a resume as
such. No studio label ("Cover letter: X at Y") is ever printed."""

import html
import io
import re

KIND_WORDS = {"cover_letter": "Cover-Letter", "resume_tailoring": "Resume", "email_template": "Email"}
Block = tuple[str, str]  # ("name" | "heading" | "bullet" | "para", text)


def _is_heading(line: str) -> bool:
    return line.isupper() and len(line) <= 60 and any(c.isalpha() for c in line)


def subject(text: str) -> str:
    """An email's subject line, if it has one."""
    return next((ln[len("Subject:"):].strip() for ln in text.splitlines() if ln.startswith("Subject:")), "")


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").lower().split()) == " ".join((b or "").lower().split())


def blocks(text: str, name_first: bool = False, name: str | None = None) -> list[Block]:
    """The text's blocks. Paragraphs keep their line breaks; in a block with bullets or headings
    (a resume) each line is its own block. With `name_first`, a first line that is a name (the
    account's, or a short line above a contact line) is a "name" block."""
    out: list[Block] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not any(ln.startswith("- ") or _is_heading(ln) for ln in lines):
            if lines:
                out.append(("para", "\n".join(lines)))
            continue
        para: list[str] = []
        for line in lines:
            kind = "bullet" if line.startswith("- ") else "heading" if _is_heading(line) else "para"
            if kind == "para":
                para.append(line)
                continue
            if para:
                out.append(("para", "\n".join(para)))
                para = []
            out.append((kind, line[2:] if kind == "bullet" else line.title()))
        if para:
            out.append(("para", "\n".join(para)))
    if name_first and out and out[0][0] in ("para", "heading"):
        first, _, rest = out[0][1].partition("\n")
        over_contact = len(first.split()) <= 6 and not re.search(r"[@:;,!?]|\d", first.split(",")[0]) \
            and bool(re.search(r"@|\d{3}", rest or (out[1][1] if len(out) > 1 else "")))
        if _same(first, name) or over_contact:
            out[0:1] = [("name", first), *([("para", rest)] if rest else [])]
    return out


def docx(parts: list[Block], title: str, author: str) -> bytes:
    import docx as python_docx
    from docx.shared import Pt

    document = python_docx.Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Calibri", Pt(11)
    document.core_properties.title = title
    document.core_properties.author = author
    for kind, text in parts:
        if kind == "name":
            run = document.add_paragraph().add_run(text)
            run.bold, run.font.size = True, Pt(16)
        elif kind == "heading":
            document.add_heading(text, level=2)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            paragraph = document.add_paragraph()
            lines = text.split("\n")
            for k, line in enumerate(lines):
                run = paragraph.add_run(line)
                if k < len(lines) - 1:
                    run.add_break()
            paragraph.paragraph_format.space_after = Pt(8)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def pdf(parts: list[Block], title: str, author: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10.5, leading=15,
                          spaceAfter=8)
    name = ParagraphStyle("name", parent=styles["Heading1"], fontName="Helvetica-Bold", fontSize=15, spaceAfter=4)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=11.5,
                             spaceBefore=8, spaceAfter=4)
    story: list = []
    bullets: list[str] = []

    def flush() -> None:
        if bullets:
            story.append(ListFlowable([ListItem(Paragraph(html.escape(b), body)) for b in bullets],
                                      bulletType="bullet", leftIndent=14))
            bullets.clear()

    for kind, text in parts:
        if kind == "bullet":
            bullets.append(text)
            continue
        flush()
        style = {"name": name, "heading": heading}.get(kind, body)
        story.append(Paragraph("<br/>".join(html.escape(line) for line in text.split("\n")), style))
    flush()
    story.append(Spacer(1, 4))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm,
                      bottomMargin=2 * cm, title=title, author=author).build(story)
    return buf.getvalue()
