"""Attachments: checked by what they contain, not by their name, before anything is stored.

A file is accepted only when the portal can read all of it and finds nothing that could
hurt the person who opens it or the server that checks it:

* PDF, DOCX, XLSX or ODT by their bytes, whatever the name says;
* an archive (DOCX, XLSX and ODT are zip files) is judged from its directory *before*
  anything is unpacked: at most ``MAX_UNPACKED_BYTES`` in total, ``MAX_MEMBERS`` members,
  and no member packed harder than ``MAX_RATIO`` to one. What is then read is read in
  pieces and counted, so a directory that lies about sizes is caught too;
* a PDF must parse and must not be encrypted, run JavaScript, launch programs or carry
  embedded files; an office file must not carry macros, programs or embedded objects;
* no personal identity number anywhere: in the text (DOCX runs joined into paragraphs),
  the metadata (PDF info and XMP, ``docProps/core.xml``, ODT ``meta.xml``), or any other
  string the file holds. What cannot be read is refused, never passed.

Every refusal says in Swedish what to do instead.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from simportal.formatting import group_thousands
from simportal.forms import ExplainedErrorsMixin

from .identity_numbers import TextScanner, find_personal_identity_number, no_personal_identity_number

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 2000
# Text compresses about ten to one; a member packed a hundred times harder is a bomb.
MAX_RATIO = 200
# Below this size a member cannot hurt whatever its ratio (an empty sheet packs very well).
RATIO_FLOOR = 1024 * 1024
# A check that takes longer than this is stopped and the file refused.
MAX_SECONDS = 10.0
CHUNK = 64 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ("docx", DOCX),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xlsx", XLSX),
}
_OOXML_MARKERS = {"word/document.xml": ("docx", DOCX), "xl/workbook.xml": ("xlsx", XLSX)}

MESSAGES: dict[str, Promise] = {
    "kind": _(
        "Filen är inte en PDF, DOCX, XLSX eller ODT – oavsett vad den heter. Spara den i något av de formaten och "
        "ladda upp igen."
    ),
    "damaged": _(
        "Filen går inte att läsa – den kan vara skadad eller bara se ut som en PDF eller ett Office-dokument. "
        "Öppna den i programmet den gjordes i, spara den på nytt (gärna som PDF) och ladda upp den igen."
    ),
    "bomb": _(
        "Filen packas upp till mer än 100 MB eller är packad på ett sätt som inte tas emot. Spara dokumentet som "
        "PDF, eller dela upp det i mindre filer, och ladda upp igen."
    ),
    "slow": _(
        "Filen är för komplicerad för att kontrolleras. Spara dokumentet som PDF, eller dela upp det i mindre "
        "filer, och ladda upp igen."
    ),
    "encrypted": _(
        "Filen är lösenordsskyddad eller krypterad, så portalen kan inte kontrollera innehållet. Spara dokumentet "
        "som PDF utan lösenord och ladda upp det igen."
    ),
    "javascript": _(
        "PDF:en innehåller skript (JavaScript) som körs när den öppnas. Skapa en ny PDF utan skript – till exempel "
        "med ”Skriv ut” och ”Spara som PDF” – och ladda upp den."
    ),
    "launch": _(
        "PDF:en försöker starta ett program eller öppna en fil när den läses. Skapa en ny PDF – till exempel med "
        "”Skriv ut” och ”Spara som PDF” – och ladda upp den."
    ),
    "pdf_embedded": _(
        "PDF:en har inbäddade eller bifogade filer. Ladda upp varje fil för sig, och PDF:en utan bifogade filer "
        "(till exempel med ”Skriv ut” och ”Spara som PDF”)."
    ),
    "macros": _(
        "Dokumentet innehåller makron. Spara det utan makron – som .docx, .xlsx eller .odt (inte .docm eller .xlsm) "
        "eller som PDF – och ladda upp det igen."
    ),
    "executable": _(
        "Dokumentet innehåller ett program (till exempel en .exe-fil). Ta bort det, eller spara dokumentet som PDF, "
        "och ladda upp det igen."
    ),
    "embedded": _(
        "Dokumentet innehåller inbäddade objekt eller filer (till exempel ett inklistrat Excel-blad, ett OLE-objekt "
        "eller en annan fil). Spara dokumentet som PDF och ladda upp det igen, och ladda upp andra filer var för sig."
    ),
    "no_text": _(
        "PDF:en har ingen läsbar text – den ser inskannad ut – så portalen kan inte kontrollera att den saknar "
        "personnummer. Spara originaldokumentet som PDF från programmet det skrevs i och ladda upp det."
    ),
    "personal_identity_number": _(
        "Filen innehåller ett personnummer (i texten, i dokumentets egenskaper eller i en inbäddad del). Bilagor "
        "får inte innehålla uppgifter om enskilda barn: ta bort numret och ladda upp filen igen."
    ),
}


class Refused(Exception):
    """The file is not taken; ``code`` names the reason, ``message`` tells the person what to do."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    sha256: str
    size: int


class _Budget:
    """Time and unpacked bytes spent on one file; exceeding either refuses it."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.unpacked = 0

    def tick(self) -> None:
        if time.monotonic() - self.started > MAX_SECONDS:
            raise Refused("slow")

    def unpack(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise Refused("bomb")
        self.tick()


def inspect(stream: IO[bytes]) -> CheckedFile:
    """Check a whole file (a seekable binary stream); ``Refused`` says why it is not taken."""
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    head = stream.read(1024)
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    budget = _Budget()
    scanner = TextScanner()
    if head.startswith(b"%PDF-"):
        kind, content_type = "pdf", PDF
        _inspect_pdf(stream, head, scanner, budget)
    elif head.startswith(b"PK\x03\x04"):
        kind, content_type = _inspect_package(stream, scanner, budget)
    else:
        raise Refused("kind")
    if scanner.close():
        raise Refused("personal_identity_number")
    return CheckedFile(kind, content_type, digest.hexdigest(), size)


# --- PDF ---------------------------------------------------------------------------------

# A file that is both a PDF and a web page: browsers that sniff would run the page.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta)\b", re.IGNORECASE)
# Names looked for in the raw bytes too, in case an object is hidden from the parser; long
# enough never to occur by chance in compressed data.
_RAW_NAMES = {b"/JavaScript": "javascript", b"/Launch": "launch", b"/EmbeddedFiles": "pdf_embedded"}
MAX_PDF_OBJECTS = 200_000
# Per stream, after decompression: enough for any page, far from a bomb.
MAX_PDF_STREAM_BYTES = 50 * 1024 * 1024


def _inspect_pdf(stream: IO[bytes], head: bytes, scanner: TextScanner, budget: _Budget) -> None:
    if _MARKUP.search(head):
        raise Refused("damaged")
    _scan_raw_names(stream)
    limits: dict[str, Any] = {
        "zlib_maximum_output_length": MAX_PDF_STREAM_BYTES,
        "lzw_maximum_output_length": MAX_PDF_STREAM_BYTES,
        "run_length_maximum_output_length": MAX_PDF_STREAM_BYTES,
        "brotli_maximum_output_length": MAX_PDF_STREAM_BYTES,
        "jbig2_maximum_output_length": MAX_PDF_STREAM_BYTES,
        "array_based_stream_maximum_output_length": MAX_PDF_STREAM_BYTES,
        "image_maximum_buffer_size": MAX_PDF_STREAM_BYTES,
        "stream_decoding_work_maximum_length": 2 * MAX_PDF_STREAM_BYTES,
        "jbig2dec_binary": None,
    }
    try:
        with apply_configuration(None, **limits):
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                raise Refused("encrypted")
            if "/Root" not in reader.trailer or len(reader.pages) == 0:
                raise Refused("damaged")
            _walk_pdf_objects(reader, scanner, budget)
            text = 0
            for page in reader.pages:
                budget.tick()
                page_text = page.extract_text() or ""
                text += len(page_text.strip())
                scanner.write(page_text)
                scanner.separate()
    except Refused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as error:
        raise Refused("damaged") from error
    if text == 0:
        raise Refused("no_text")


def _scan_raw_names(stream: IO[bytes]) -> None:
    longest = max(len(name) for name in _RAW_NAMES)
    tail = b""
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        window = tail + chunk
        for name, code in _RAW_NAMES.items():
            if name in window:
                raise Refused(code)
        tail = window[-longest:]
    stream.seek(0)


def _walk_pdf_objects(reader: Any, scanner: TextScanner, budget: _Budget) -> None:
    """Every object in the file, reachable or not: actions and embedded files refuse it, every
    string (document info, annotations, form values, bookmarks) and the XMP metadata are read."""
    references = [(number, generation) for generation, numbers in reader.xref.items() for number in numbers]
    references += [(number, 0) for number in reader.xref_objStm]
    if len(references) > MAX_PDF_OBJECTS:
        raise Refused("slow")
    seen: set[int] = set()
    for count, (number, generation) in enumerate(references):
        if count % 500 == 0:
            budget.tick()
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except RecursionError as error:
            raise Refused("damaged") from error
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject) or id(item) in seen:
                continue  # visited as an object of its own
            if isinstance(item, DictionaryObject):
                seen.add(id(item))
                _check_pdf_dictionary(item)
                if isinstance(item, StreamObject) and item.get("/Type") == "/Metadata":
                    _scan_xml_bytes(item.get_data(), scanner, budget)
                stack.extend(item.values())
            elif isinstance(item, ArrayObject):
                seen.add(id(item))
                stack.extend(item)
            elif isinstance(item, NameObject):
                continue
            elif isinstance(item, str):
                scanner.write(item)
                scanner.separate()
            elif isinstance(item, bytes):
                scanner.write(item.decode("latin-1"))
                scanner.separate()


def _check_pdf_dictionary(item: Any) -> None:
    keys = set(item.keys())
    action = item.get("/S")
    if {"/JS", "/JavaScript", "/XFA"} & keys or action == "/JavaScript":
        raise Refused("javascript")
    if action == "/Launch":
        raise Refused("launch")
    if (
        "/EmbeddedFiles" in keys
        or "/EF" in keys
        or action == "/GoToE"
        or item.get("/Type") == "/EmbeddedFile"
        or item.get("/Subtype") in {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/3D"}
    ):
        raise Refused("pdf_embedded")


# --- office files (zip packages) ---------------------------------------------------------

_MACROS = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml|vbaprojectsignature\w*\.bin)$|^(basic|scripts)/|macrosheets/")
_EXECUTABLE_EXTENSIONS = {
    "exe", "dll", "com", "scr", "pif", "cpl", "sys", "drv", "ocx", "msi", "msp", "bat", "cmd", "ps1", "psm1",
    "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "jar", "lnk", "reg", "inf", "sh", "app", "dmg", "apk",
    "elf", "so", "dylib", "py", "pl", "rb", "php",
}  # fmt: skip
_ARCHIVE_EXTENSIONS = {
    "zip", "7z", "rar", "gz", "tgz", "bz2", "xz", "tar", "cab", "iso", "docx", "docm", "dotx", "dotm", "xlsx",
    "xlsm", "xlsb", "pptx", "pptm", "odt", "ods", "odp", "odg", "pdf", "doc", "xls", "ppt", "rtf", "msg", "eml",
}  # fmt: skip
_TEXT_EXTENSIONS = {"xml", "rels", "vml", "rdf", "psmdcp"}
_IMAGE_EXTENSIONS = {
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "emf", "wmf", "emz", "wmz", "svg", "svm", "wdp", "jxr",
    "hdp", "webp", "ico", "pict", "pct",
}  # fmt: skip
_FONT_EXTENSIONS = {"odttf", "ttf", "otf", "fntdata"}
# Parts of every package that hold no text and no code.
_PLAIN_PARTS = re.compile(r"^(mimetype|layout-cache|(.*/)?printersettings\d*\.bin|(.*/)?origin\.sigs)$")
_IMAGE_PARTS = re.compile(r"^objectreplacements/[^/]+$")  # ODT: the picture shown for a chart or formula
_EMBEDDED_TYPES = ("oleobject", "activex", "x-msdownload", "x-msdos-program", "octet-stream")
_BINARY_MAGIC = {
    b"MZ": "executable",
    b"\x7fELF": "executable",
    b"PK\x03\x04": "embedded",
    b"\xd0\xcf\x11\xe0": "embedded",  # OLE compound file
    b"%PDF": "embedded",
    b"Rar!": "embedded",
    b"7z\xbc\xaf": "embedded",
}


def _inspect_package(stream: IO[bytes], scanner: TextScanner, budget: _Budget) -> tuple[str, str]:
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise Refused("damaged") from error
    _check_directory(members)
    with archive:
        try:
            kind, content_type = _package_kind(archive, budget)
            for info in members:
                if info.is_dir():
                    continue
                scanner.write(info.filename)
                scanner.separate()
                _check_member(archive, info, scanner, budget)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as error:
            # Bad CRC (a member that unpacks to more or other than its directory says), an
            # unknown compression, an encrypted member.
            raise Refused("damaged") from error
    return kind, content_type


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    """From the zip's directory alone, before anything is unpacked."""
    if len(members) > MAX_MEMBERS:
        raise Refused("bomb")
    total = 0
    names: set[str] = set()
    offsets: set[int] = set()
    for info in members:
        if info.flag_bits & 0x1:
            raise Refused("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused("damaged")
        if info.filename in names or info.header_offset in offsets:
            raise Refused("bomb")  # the same name twice, or members sharing their data (overlapping bomb)
        names.add(info.filename)
        offsets.add(info.header_offset)
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise Refused("bomb")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused("bomb")
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise Refused("bomb")
        _check_name(info.filename.lower())


def _extension(name: str) -> str:
    """``rels`` for ``_rels/.rels`` too (which has no suffix to ``pathlib``)."""
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _check_name(name: str) -> None:
    if _MACROS.search(name):
        raise Refused("macros")
    extension = _extension(name)
    if extension in _EXECUTABLE_EXTENSIONS:
        raise Refused("executable")
    if "/embeddings/" in f"/{name}" or "/activex/" in f"/{name}" or extension in _ARCHIVE_EXTENSIONS:
        raise Refused("embedded")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, limit: int | None = None) -> bytes:
    return b"".join(_member_chunks(archive, info, budget, limit))


def _member_chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, limit: int | None = None
) -> Iterator[bytes]:
    """A member's bytes in pieces, counted against its declared size and the file's budget."""
    read = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            read += len(chunk)
            if read > info.file_size or (limit is not None and read > limit):
                raise Refused("bomb")
            budget.unpack(len(chunk))
            yield chunk


def _package_kind(archive: zipfile.ZipFile, budget: _Budget) -> tuple[str, str]:
    names = {info.filename: info for info in archive.infolist()}
    if "mimetype" in names:
        mimetype = _read_member(archive, names["mimetype"], budget, limit=200).strip()
        if mimetype == ODT.encode():
            return "odt", ODT
        raise Refused("kind")
    types = names.get("[Content_Types].xml")
    if types is None:
        raise Refused("kind")
    # The parts the package says it has (Override); the Default entries only map extensions.
    content_types = _content_types(_read_member(archive, types, budget, limit=1024 * 1024))
    lowered = [value.lower() for value in content_types]
    if any("macroenabled" in value or "vbaproject" in value or "vbadata" in value for value in lowered):
        raise Refused("macros")
    if any(marker in value for value in lowered for marker in _EMBEDDED_TYPES):
        raise Refused("embedded")
    for value in content_types:
        if value in _OOXML_MAIN:
            return _OOXML_MAIN[value]
    for marker, found in _OOXML_MARKERS.items():
        if marker in names:
            return found
    raise Refused("kind")


def _content_types(data: bytes) -> list[str]:
    values: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.endswith("Override") and "ContentType" in attributes:
            values.append(attributes["ContentType"])

    parser = _xml_parser()
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise Refused("damaged") from error
    return values


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, scanner: TextScanner, budget: _Budget) -> None:
    name = info.filename.lower()
    extension = _extension(name)
    if extension in _TEXT_EXTENSIONS:
        _scan_markup(_member_chunks(archive, info, budget), scanner)
        return
    if _PLAIN_PARTS.match(name) or extension == "odttf":  # an obfuscated font starts with scrambled bytes
        return
    if not (extension in _IMAGE_EXTENSIONS or extension in _FONT_EXTENSIONS or _IMAGE_PARTS.match(name)):
        raise Refused("embedded")  # neither text, an image nor a font: an object or file of its own
    # An image is not read, but a program or an archive is not let through under an image's name.
    with archive.open(info) as member:
        magic = member.read(8)
    budget.unpack(len(magic))
    for signature, code in _BINARY_MAGIC.items():
        if magic.startswith(signature):
            raise Refused(code)


def _xml_parser() -> Any:
    """An expat parser that refuses document type declarations (entity expansion, external
    entities); office files never have them."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_args: Any) -> Any:
        raise Refused("damaged")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.ExternalEntityRefHandler = refuse_doctype
    return parser


def _scan_xml_bytes(data: bytes, scanner: TextScanner, budget: _Budget) -> None:
    budget.unpack(len(data))
    _scan_markup(iter([data]), scanner)


# The text of office XML, read with one regular expression over the tags (lenient by
# design: badly formed markup such as Office's VML or a producer's XMP is read, not refused).
#
# Within a paragraph, text is split into runs (w:r/w:t), spans (text:span), hyperlinks,
# tracked changes and the like, and runs carry their formatting (w:rPr): those tags are
# dropped so the runs join. Tabs and breaks become a space. Every other tag separates,
# so that two cells, two fields or two paragraphs are never read as one number. No
# pattern crosses a "<", so hostile markup ("<<<<…") cannot make it crawl.
_TAG = re.compile(r"<(/?)(?:[\w.-]++:)?([\w.-]++)[^<>]*+>")  # possessive: no backtracking on long names
_ANY_TAG = re.compile(r"<[^<>]*>")
_FORMATTING_TAGS = frozenset({"rPr", "pPr"})
_INLINE_TAGS = frozenset(
    {
        "r", "t", "ins", "del", "delText", "instrText", "hyperlink", "smartTag", "fldSimple", "fldChar", "sdt",
        "sdtContent", "customXml", "dir", "bdo", "proofErr", "bookmarkStart", "bookmarkEnd", "commentRangeStart",
        "commentRangeEnd", "permStart", "permEnd", "moveFrom", "moveTo", "lastRenderedPageBreak", "softHyphen",
        "noBreakHyphen", "span", "a", "bookmark", "bookmark-start", "bookmark-end", "change-start", "change-end",
        "soft-page-break", "font", "b", "i", "u", "em", "strong", "sub", "sup",
    }
)  # fmt: skip
_SPACE_TAGS = frozenset({"tab", "br", "cr", "s", "line-break"})
# Attributes that hold text a reader sees: alt text, titles, link targets, cell values.
_TEXT_ATTRIBUTE_NAMES = ("descr", "title", "Target", "href", "value")
_TEXT_ATTRIBUTE = re.compile(
    r"""\s(?:[\w.-]++:)?(?:descr|title|Target|href|string-value|value|date-value)\s*+=\s*+(?:"([^"<>]*+)"|'([^'<>]*+)')"""
)
_DECLARATIONS = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Where a piece of markup may be cut without cutting a paragraph: after its end.
_PARAGRAPH_ENDS = ("</w:p>", "</a:p>", "</text:p>", "</text:h>", "</si>", "</c>", "</row>", "</p>")
_PIECE = 1024 * 1024


def _markup_text(markup: str) -> str:
    if _DECLARATIONS.search(markup):
        raise Refused("damaged")  # entity declarations (expansion bombs, external entities)
    if "<![CDATA[" in markup:
        markup = _without_cdata(markup)
    attributes = []
    if any(name in markup for name in _TEXT_ATTRIBUTE_NAMES):
        attributes = [first or second for first, second in _TEXT_ATTRIBUTE.findall(markup)]
    formatting = 0

    def replace(tag: re.Match[str]) -> str:
        nonlocal formatting
        closing, name = tag.group(1), tag.group(2)
        if name in _FORMATTING_TAGS:
            if closing:
                formatting = max(formatting - 1, 0)
            elif not tag.group(0).endswith("/>"):
                formatting += 1
            return ""
        if formatting or name in _INLINE_TAGS:
            return ""
        return " " if name in _SPACE_TAGS else "\n\n"

    text = _TAG.sub(replace, markup)
    if "<" in text:  # processing instructions, comments, declarations
        text = _ANY_TAG.sub("\n\n", text)
    text = "\n\n".join([text, *attributes])
    return html.unescape(text) if "&" in text else text


def _without_cdata(markup: str) -> str:
    """CDATA sections as escaped text (a parser reads them as text; so does the check)."""
    parts, position = [], 0
    while (start := markup.find("<![CDATA[", position)) != -1:
        end = markup.find("]]>", start)
        end = len(markup) if end == -1 else end
        parts += [markup[position:start], html.escape(markup[start + 9 : end])]
        position = end + 3
    parts.append(markup[position:])
    return "".join(parts)


def _scan_markup(chunks: Iterator[bytes], scanner: TextScanner) -> None:
    """Feed markup arriving in pieces to the scanner, cut after a paragraph where possible."""
    decoder: codecs.IncrementalDecoder | None = None
    pending = ""
    for chunk in chunks:
        if decoder is None:
            utf16 = chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b'encoding="UTF-16"' in chunk[:100]
            decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")(errors="replace")
        pending += decoder.decode(chunk)
        if len(pending) < _PIECE:
            continue
        tail = len(pending) - min(len(pending), 65536)
        cut = max(pending.rfind(end, tail) + len(end) if end in pending[tail:] else -1 for end in _PARAGRAPH_ENDS)
        if cut <= 0:
            cut = pending.rfind(">") + 1
        if cut > 0:
            scanner.write(_markup_text(pending[:cut]))
            scanner.separate()
            pending = pending[cut:]
    if decoder is not None:
        pending += decoder.decode(b"", final=True)
    scanner.write(_markup_text(pending))
    scanner.separate()


# --- the form ------------------------------------------------------------------------------


class AttachmentForm(ExplainedErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX) eller OpenDocument-text (ODT), högst 20 MB."),
    )
    description = forms.CharField(
        label=_("Beskrivning"), max_length=300, required=False, validators=[no_personal_identity_number]
    )

    checked: CheckedFile | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser warns before sending a file the portal would refuse for its size.
        self.fields["file"].widget.attrs.update(
            {
                "data-max-bytes": str(MAX_BYTES),
                "data-size-warning": "id_file_size_warning",
                "accept": ".pdf,.docx,.xlsx,.odt",
            }
        )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är %(size)s byte; högsta tillåtna storlek är 20 MB. Dela upp den eller komprimera den.")
                % {"size": group_thousands(upload.size)}
            )
        if upload.file is None:
            raise forms.ValidationError(Refused("damaged").message, code="damaged")
        try:
            self.checked = inspect(upload.file)
        except Refused as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from refused
        finally:
            upload.seek(0)
        return upload


__all__ = ["MAX_BYTES", "AttachmentForm", "CheckedFile", "Refused", "find_personal_identity_number", "inspect"]
