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
