"""Every format's text, every kind of bad file's reason: real files written by the tests."""

from __future__ import annotations

import pytest

from assistant.docs.chunks import TARGET, passages, weight
from assistant.docs.readers import Extracted, Unreadable, read_document

from .files import blank_pdf, docx, text_pdf


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_text_in_any_common_encoding_is_read_right(tmp_path):
    chinese = "合同规定违约金为合同总额的百分之十。付款期限为三十天，逾期按日计息。"
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"):
        path = tmp_path / f"contract-{encoding}.txt"
        path.write_bytes(chinese.encode(encoding))
        assert read_document(path).text == chinese, encoding
    latin = tmp_path / "notes.md"
    latin.write_bytes("Café au lait, crème brûlée, naïve façade, déjà vu.".encode("latin-1"))
    assert read_document(latin).text == "Café au lait, crème brûlée, naïve façade, déjà vu."


def test_html_keeps_its_text_without_scripts_and_styles(tmp_path):
    page = tmp_path / "log.html"
    page.write_text(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><h1>Storm log</h1><p>Wind at 90&nbsp;km/h &amp; rising.</p></body></html>",
        encoding="utf-8",
    )
    assert read_document(page).text == "Storm log\n\nWind at 90 km/h & rising."


def test_pdf_pages_and_docx_paragraphs_and_tables(tmp_path):
    pdf = read_document(text_pdf(tmp_path / "manual.pdf", ["Page one: the lamp.", "Page two: the oil."]))
    assert "Page one: the lamp." in pdf.text and "Page two: the oil." in pdf.text and len(pdf.pages) == 2
    assert pdf.text.index("Page two") >= pdf.pages[1]
    word = read_document(
        docx(
            tmp_path / "handbook.docx",
            ["Welcome aboard.", "Holidays: 25 days."],
            [["Role", "Desk"], ["Keeper", "Tower"]],
        )
    )
    assert word.text.split("\n\n")[:2] == ["Welcome aboard.", "Holidays: 25 days."]
    assert "Keeper" in word.text and "Tower" in word.text


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: blank_pdf(p / "scan.pdf"), "a scanned PDF without a text layer"),
        (lambda p: blank_pdf(p / "secret.pdf", password="s3cret"), "password-protected"),
        (
            lambda p: write(p / "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
            "a damaged PDF",
        ),
        (lambda p: write(p / "fake.docx", b"not a zip at all"), "a damaged .docx"),
        (
            lambda p: write(p / "program.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50),
            "not a document",
        ),
        (lambda p: write(p / "photo.jpg", b"\xff\xd8\xff"), "not a document Bothy reads"),
    ],
)
def test_a_bad_file_says_why(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(Unreadable) as caught:
        read_document(path)
    assert str(caught.value).startswith(reason)


def test_passages_are_about_300_tokens_with_their_page_and_line():
    text = "\n\n".join(f"Paragraph {i}: " + "the keeper trims the wick and writes the log. " * 6 for i in range(40))
    cut = passages(Extracted(text))
    assert len(cut) > 5 and all(weight(p) <= TARGET * 1.5 for p, _, _ in cut)
    assert cut[0][2] == 1 and cut[1][2] > 1 and all(page is None for _, page, _ in cut)
    assert " ".join(" ".join(p.split()) for p, _, _ in cut) == " ".join(text.split())
    chinese = "。".join("违约金为合同总额的百分之十" for _ in range(200))  # one paragraph, no spaces
    assert all(weight(p) <= TARGET * 1.5 for p, _, _ in passages(Extracted(chinese)))
    pages = passages(Extracted("first page text\n\nsecond page text", pages=[0, 17]))
    assert [page for _, page, _ in pages] == [1]  # one passage, starting on page 1
