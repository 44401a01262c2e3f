"""Resume files made by the tests themselves: normal, with tables, corrupt, encrypted,
image-only, oversized and disguised."""

import io
import zipfile

RESUME_LINES = [
    "Jordan Rivera - Senior Backend Engineer",
    "Seven years building Python services with FastAPI and Django on PostgreSQL.",
    "Led a migration to Kubernetes on AWS with Terraform and GitHub Actions.",
    "Mentored four engineers; introduced pytest coverage gates and CI/CD.",
    "Skills: Python, SQL, Redis, Docker, REST APIs, system design.",
]


def pdf_resume(lines: list[str] = RESUME_LINES, pages: int = 2) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for page in range(pages):
        y = 800
        for line in lines:
            pdf.drawString(60, y, f"{line}" if page == 0 else f"(page {page + 1}) {line}")
            y -= 18
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def image_only_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)  # a "scan": shapes, no text
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_resume())).pages:
        writer.add_page(page)
    writer.encrypt("secret-password")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def corrupt_pdf() -> bytes:
    data = pdf_resume()
    return data[:200] + b"garbage" * 50


def docx_resume(with_table: bool = True) -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Jordan Rivera · jordan@example.com"
    for line in RESUME_LINES[:3]:
        document.add_paragraph(line)
    if with_table:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Languages", "Python, TypeScript"
        table.cell(1, 0).text, table.cell(1, 1).text = "Databases", "PostgreSQL, Redis"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def docx_zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (60 * 1024 * 1024) + b"</w:document>")
    return buf.getvalue()


def disguised_text() -> bytes:
    """Plain text that a client might send named resume.pdf."""
    return ("\n".join(RESUME_LINES)).encode()


def oversized_pdf() -> bytes:
    data = pdf_resume()
    return data + b"%" + b"0" * (10 * 1024 * 1024)
