"""Text out of uploaded resumes (PDF with pypdf, DOCX with python-docx), with the checks
that keep hostile files harmless: size cap, type judged by content, zip-bomb guard, page cap."""

import io
import re
import zipfile
from dataclasses import dataclass

from career_app.services.errors import InvalidInput, PayloadTooLarge

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIN_TEXT_CHARS = 50
MAX_PDF_PAGES = 50
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_MEMBERS = 2000
MAX_TEXT_CHARS = 200_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", DOCX: "docx"}


@dataclass(frozen=True)
class ExtractedDocument:
    content_type: str
    text: str
    pages: int | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"File is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if size == 0:
        raise InvalidInput("File is empty")


def sniff_type(data: bytes) -> str:
    """PDF or DOCX judged by the bytes, never by the file name."""
    if data[:1024].lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            pass
    raise InvalidInput("Unsupported file type: upload a PDF or DOCX resume")


# Symbols that PDF and Word text carries but no web font draws. Word's bullets come out of a PDF
# in the Private Use Area (Symbol's U+F0B7, Wingdings' U+F0A7, U+F076, U+F0D8 ...): shown as a
# missing-glyph box in an evidence quote. They become a plain bullet; typographic ligatures become
# their letters; invisible characters go.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BULLETS = re.compile("^[ \t]*[\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u25b8\u25ba"
                      "\u27a2\u27a4\u2756\u2713\u2714\u2794\u29bf\u2027]+[ \t]*", re.MULTILINE)
_SYMBOL_WORDS = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                               "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ",
                               "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
                               "\ufeff": None, "\ufffd": None})


def normalize_symbols(text: str) -> str:
    """Bullets, ligatures and invisible characters as plain text: a line's bullet of any shape
    becomes "• ", a Private Use Area symbol elsewhere a bullet too (it stands for an icon)."""
    text = _PRIVATE_USE.sub("\u2022", text.translate(_SYMBOL_WORDS))
    return _BULLETS.sub("\u2022 ", text)


def _tidy(text: str) -> str:
    text = normalize_symbols(text.replace("\x00", ""))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip()[:MAX_TEXT_CHARS]


def _pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidInput("The PDF is encrypted or password-protected; upload an unprotected copy")
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise InvalidInput(f"The PDF has {pages} pages; a resume may have at most {MAX_PDF_PAGES}")
        return "\n".join(page.extract_text() or "" for page in reader.pages), pages
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise InvalidInput("The PDF is corrupt or cannot be read") from exc


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_DOCX_MEMBERS or sum(m.file_size for m in members) > MAX_DOCX_UNPACKED_BYTES:
            raise InvalidInput("The DOCX file unpacks to more than a resume could hold")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput("The DOCX file is corrupt or cannot be read") from exc
    except Exception as exc:  # noqa: BLE001 - lxml raises its own family on malformed XML
        raise InvalidInput("The DOCX file is corrupt or cannot be read") from exc
    parts: list[str] = []
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    parts.extend(p.text for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def extract(data: bytes) -> ExtractedDocument:
    """The resume's text, or a clear InvalidInput / PayloadTooLarge."""
    check_size(len(data))
    content_type = sniff_type(data)
    pages = None
    if content_type == PDF:
        raw, pages = _pdf_text(data)
    else:
        raw = _docx_text(data)
    text = _tidy(raw)
    if len(text) < MIN_TEXT_CHARS:
        raise InvalidInput(
            "Too little text found: the file looks scanned or image-based. Upload a PDF or DOCX with selectable text"
        )
    return ExtractedDocument(content_type=content_type, text=text, pages=pages)
