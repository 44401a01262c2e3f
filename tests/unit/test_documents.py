import pytest

from career_app.services import documents
from career_app.services.errors import InvalidInput, PayloadTooLarge
from tests import resume_files


def test_pdf_text_from_two_pages():
    doc = documents.extract(resume_files.pdf_resume())
    assert doc.content_type == documents.PDF and doc.extension == "pdf" and doc.pages == 2
    assert "Senior Backend Engineer" in doc.text and "(page 2)" in doc.text


def test_docx_text_includes_header_and_tables():
    doc = documents.extract(resume_files.docx_resume())
    assert doc.content_type == documents.DOCX
    assert "jordan@example.com" in doc.text  # header
    assert "Databases | PostgreSQL, Redis" in doc.text  # table row


@pytest.mark.parametrize("builder,message", [
    (resume_files.image_only_pdf, "scanned or image-based"),
    (resume_files.encrypted_pdf, "encrypted"),
    (resume_files.corrupt_pdf, "corrupt"),
    (resume_files.disguised_text, "Unsupported file type"),
    (resume_files.docx_zip_bomb, "unpacks to more"),
])
def test_bad_files_are_refused_with_a_clear_reason(builder, message):
    with pytest.raises(InvalidInput) as err:
        documents.extract(builder())
    assert message in err.value.detail


def test_oversized_and_empty_files():
    with pytest.raises(PayloadTooLarge):
        documents.extract(resume_files.oversized_pdf())
    with pytest.raises(InvalidInput):
        documents.extract(b"")


def test_zip_that_is_not_a_docx_is_refused():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", "hello " * 50)
    with pytest.raises(InvalidInput, match="Unsupported"):
        documents.extract(buf.getvalue())


def test_bullets_and_symbols_are_plain_text():
    # Word's bullets as a PDF gives them (Symbol U+F0B7, Wingdings U+F0A7 in the Private Use Area, which
    # no web font draws), other bullet shapes, ligatures, a soft hyphen, invisible and replacement characters
    raw = ("\uf0b7\tBuilt payment APIs in Python\n\uf0a7 Led a team of ﬁve\n  ▪  Managed PostgreSQL\n"
           "➢Mentored staff\nSQL\u00a0and data\u00adbases\u200b \ufffdreports\nPhone \uf028 555 0100")
    assert documents.normalize_symbols(raw) == (
        "• Built payment APIs in Python\n• Led a team of five\n• Managed PostgreSQL\n• Mentored staff\n"
        "SQL and databases reports\nPhone • 555 0100")
    assert documents.normalize_symbols("Skills: Python • SQL") == "Skills: Python • SQL"  # a bullet inside stays


def test_extracted_docx_bullets_reach_evidence_quotes_without_boxes():
    import io

    import docx

    from career_app.services import evidence
    document = docx.Document()
    document.add_paragraph("Jordan Rivera")
    document.add_paragraph("\uf0b7\tBuilt payment APIs in Python and PostgreSQL for a bank")
    document.add_paragraph("\uf0b7\tLed a team of five engineers shipping services on AWS")
    buf = io.BytesIO()
    document.save(buf)
    text = documents.extract(buf.getvalue()).text
    assert "\uf0b7" not in text and "• Built payment APIs" in text
    quote = evidence.resume_profile(text, embed=False).skills["Python"]
    assert quote == "Built payment APIs in Python and PostgreSQL for a bank"
    # a text stored before extraction normalized it gives the same quote
    assert evidence.resume_profile(text.replace("•", "\uf0b7"), embed=False).skills["Python"] == quote
