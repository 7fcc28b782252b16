"""The text of a person's document, whatever its format, or a clear reason why there is none.

- Plain text, Markdown, source code, CSV: the encoding is found by charset-normalizer (UTF-8 with or
  without a BOM, UTF-16, GBK/GB18030, Big5, Shift-JIS, Latin-1…), so Chinese files are never garbled.
  A file with NUL bytes or no decodable text is "not a document" (e.g. a binary with a .txt name).
- HTML: its text, without scripts and styles (the standard library's parser).
- PDF: the text layer of each page (pypdf); a PDF with none is "a scanned PDF without a text layer",
  an encrypted one "password-protected", a broken one "damaged".
- Word .docx: its paragraphs and tables, read from the file's XML with the standard library (a .docx
  is a zip of XML; python-docx would bring lxml, 12 MB, for what these few lines do).

    doc = read_document(path)     # Extracted(text, pages) or raises Unreadable(reason)
"""

from __future__ import annotations

import html.parser
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

TEXT_SUFFIXES = {
    ".txt", ".md", ".markdown", ".rst", ".csv", ".tsv", ".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".log",
    ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".go", ".rs", ".rb",
    ".php", ".swift", ".kt", ".scala", ".sh", ".bat", ".ps1", ".sql", ".r", ".m", ".lua", ".pl", ".tex", ".xml",
}  # fmt: skip
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}
MAX_BYTES = 200 * 2**20  # larger files are refused with that reason: they are rarely documents


class Unreadable(Exception):
    """A document with no text Bothy can use; str() is the reason, for people."""


@dataclass
class Extracted:
    text: str
    pages: list[int] = field(default_factory=list)  # where each page starts in `text` (PDFs)


def read_document(path: Path) -> Extracted:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise Unreadable(f"not a document Bothy reads ({suffix or 'no extension'})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(f"could not be read ({exc.strerror or exc})") from None
    if size > MAX_BYTES:
        raise Unreadable(f"too large ({size / 2**20:,.0f} MB; Bothy reads documents up to {MAX_BYTES // 2**20} MB)")
    try:
        if suffix == ".pdf":
            return _pdf(path)
        if suffix == ".docx":
            return Extracted(_docx(path))
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"could not be read ({exc.strerror or exc})") from None
    text = decode(data)
    return Extracted(_html_text(text) if suffix in HTML_SUFFIXES else text)


def decode(data: bytes) -> str:
    """Text from bytes in whatever common encoding they are; Unreadable for binary data."""
    if not data:
        return ""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best).lstrip("\ufeff")
    if b"\x00" in data[:8192]:
        raise Unreadable("not a document (binary data)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise Unreadable("not a document (no readable text)")
    return str(best)


def _pdf(path: Path) -> Extracted:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd files are not ours to show
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise Unreadable("password-protected")
            except (FileNotDecryptedError, NotImplementedError):
                raise Unreadable("password-protected") from None
        pages, parts, offset = [], [], 0
        for page in reader.pages:
            text = (page.extract_text() or "").strip()
            pages.append(offset)
            parts.append(text)
            offset += len(text) + 2
    except FileNotDecryptedError:
        raise Unreadable("password-protected") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise Unreadable(f"a damaged PDF ({type(exc).__name__})") from None
    text = "\n\n".join(parts)
    if not text.strip():
        raise Unreadable("a scanned PDF without a text layer")
    return Extracted(text, pages)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise Unreadable("a damaged .docx (not a Word document inside)") from None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        raise Unreadable("a damaged .docx") from None
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        runs = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                runs.append(node.text)
            elif node.tag == f"{_W}tab":
                runs.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                runs.append("\n")
        paragraphs.append("".join(runs))
    return "\n\n".join(p for p in paragraphs if p.strip())


class _TextOfHtml(html.parser.HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
