"""Files to upload: valid ones, and a corpus of hostile ones, each built here in memory.

No binary comes from elsewhere: every PDF, DOCX, XLSX and ODT is written by the functions
below (a small PDF writer, ``zipfile``, pypdf, openpyxl, WeasyPrint), so each file shows
exactly what makes it hostile. ``HOSTILE`` names each file with the refusal it must get
(the code of ``applications.attachments.MESSAGES``).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

PERSONNUMMER = "811218-9876"  # a valid (Luhn-checked) test number

# --- PDF -----------------------------------------------------------------------------------


def raw_pdf(
    text: str = "Kartläggning av barns behov 2026",
    *,
    catalog: str = "",
    page: str = "",
    extra: tuple[bytes, ...] = (),
    trailer: str = "",
    header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
) -> bytes:
    """A one-page PDF written object by object, with a correct cross-reference table.

    Objects 1–5 are the catalog, the page tree, the page, the font and the page's text;
    ``extra`` objects are numbered from 6. ``catalog`` and ``page`` are added to those
    dictionaries (``/OpenAction 6 0 R``), ``trailer`` to the trailer (``/Info 6 0 R``).
    """
    content = b"BT /F1 12 Tf 20 100 Td (" + _pdf_string(text) + b") Tj ET"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>".encode("latin-1"),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 4 0 R >> >> "
        f"/Contents 5 0 R {page} >>".encode("latin-1"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        stream(content),
        *extra,
    ]
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer} >>\n".encode("latin-1")
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def stream(data: bytes, dictionary: str = "") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), dictionary.encode("latin-1"), data)


def utf16(text: str) -> str:
    """A PDF text string in UTF-16 (how metadata with non-Latin characters is written)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def pdf_with_text(text: str) -> bytes:
    return raw_pdf(text)


def pdf_made_with_pypdf(text: str = "Underskrifter") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw_pdf(text))))
    writer.add_metadata({"/Title": "Bilaga", "/Author": "Uddevalla kommun"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_made_with_weasyprint() -> bytes:
    from weasyprint import HTML

    html = "<h1>Kartläggning</h1><p>Barn 0–12 år i Uddevalla, 2026: 1 234 barn.</p>"
    return HTML(string=html).write_pdf()


def encrypted_pdf(*, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw_pdf(f"Barn {PERSONNUMMER}"))))
    writer.encrypt(user_password=user_password, owner_password="ägare", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>"
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)

# --- office files ----------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _core(title: str, creator: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator></cp:coreProperties>"
    )


def docx(
    *paragraphs: str | tuple[str, ...],
    title: str = "Bilaga",
    creator: str = "Uddevalla kommun",
    main: str = DOCX_MAIN,
    members: dict[str, bytes | str] | None = None,
    overrides: dict[str, str] | None = None,
    document: str | None = None,
) -> bytes:
    """A DOCX as Word writes one: content types, relationships, the document and its
    properties. A paragraph given as a tuple is written as one run per item."""
    body = ""
    for paragraph in paragraphs or ("Underskrifter",):
        runs = (paragraph,) if isinstance(paragraph, str) else paragraph
        body += "<w:p>" + "".join(
            f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{run}</w:t></w:r>' for run in runs
        )
        body += "</w:p>"
    document = document or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}'
        "<w:sectPr/></w:body></w:document>"
    )
    override_xml = "".join(
        f'<Override PartName="{part}" ContentType="{kind}"/>'
        for part, kind in {
            "/word/document.xml": main,
            "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
            **(overrides or {}),
        }.items()
    )
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="png" ContentType="image/png"/>'
            f"{override_xml}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": document,
        "docProps/core.xml": _core(title, creator),
        **(members or {}),
    }
    return _zip(parts)


def _zip(parts: dict[str, bytes | str], *, first_stored: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == first_stored else None)
    return out.getvalue()


def xlsx(*cells: object) -> bytes:
    """A real workbook from openpyxl; a ``CellRichText`` cell keeps its runs apart in the file."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row, value in enumerate(cells or ("Budget", 1234567), start=1):
        sheet.cell(row=row, column=1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_with_runs(*runs: str) -> bytes:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    return xlsx(CellRichText(*[TextBlock(InlineFont(b=index % 2 == 0), run) for index, run in enumerate(runs)]))


ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def odt(*spans: str, title: str = "Bilaga", members: dict[str, bytes | str] | None = None) -> bytes:
    """An ODT as LibreOffice writes one; the paragraph's text is split into spans."""
    paragraph = "".join(f"<text:span>{span}</text:span>" for span in spans or ("Underskrifter",))
    parts: dict[str, bytes | str] = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            "</manifest:manifest>"
        ),
        "content.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}><office:body><office:text>'
            f"<text:p>{paragraph}</text:p></office:text></office:body></office:document-content>"
        ),
        "meta.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODT_NS}><office:meta>'
            f"<dc:title>{title}</dc:title><meta:initial-creator>Munkedal</meta:initial-creator>"
            "</office:meta></office:document-meta>"
        ),
        **(members or {}),
    }
    return _zip(parts, first_stored="mimetype")


# --- archives that lie or explode --------------------------------------------------------------


def docx_with_zeros(name: str, size: int) -> bytes:
    """A DOCX with one member of ``size`` zero bytes: tiny packed, huge unpacked."""
    out = io.BytesIO(docx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, archive.open(name, "w") as member:
        block = b"\0" * (1 << 20)
        for _ in range(size // len(block)):
            member.write(block)
        member.write(b"\0" * (size % len(block)))
    return out.getvalue()


def docx_with_many_members(count: int, size: int = 0) -> bytes:
    return docx(members={f"customXml/item{n}.xml": "<a>" + " " * size + "</a>" for n in range(count)})


def lying_directory(data: bytes, name: str, claimed_size: int) -> bytes:
    """The archive with ``name``'s unpacked size in its local header and central directory
    replaced by ``claimed_size``: a checker that trusts the directory reads far more."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    out = bytearray(data)
    # Local file header: uncompressed size at offset 22.
    struct.pack_into("<I", out, info.header_offset + 22, claimed_size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_length] == name.encode():
            struct.pack_into("<I", out, central + 24, claimed_size)  # central directory: uncompressed size
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def overlapping_members(copies: int) -> bytes:
    """Fifield's overlapping bomb in small: many directory entries for the same packed data."""
    data = bytearray(docx())
    end = data.rfind(b"PK\x05\x06")
    directory_start = struct.unpack_from("<I", data, end + 16)[0]
    first = directory_start
    name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, first + 28)
    entry = bytes(data[first : first + 46 + name_length + extra_length + comment_length])
    entries = b""
    for n in range(copies):
        copy = bytearray(entry)
        copy[46 + name_length - 1 : 46 + name_length] = b"%d" % (n % 10)  # a different last character
        entries += bytes(copy)
    directory = bytes(data[directory_start:end]) + entries
    count = struct.unpack_from("<H", data, end + 10)[0] + copies
    tail = bytearray(data[end:])
    struct.pack_into("<HHII", tail, 8, count, count, len(directory), directory_start)
    return bytes(data[:directory_start]) + directory + bytes(tail)


def members_with_entities() -> bytes:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx(document=laughs)


# Legacy drawing markup as Office writes it: namespaces undeclared and a <br> never closed.
VML = "<xml><v:shape><v:textbox><div style='text-align:left'>{text}<br></div></v:textbox></v:shape></xml>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 120 + b"This program cannot be run in DOS mode."
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 120

# --- the corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    name: str  # also the uploaded file's name
    build: Callable[[], bytes]
    refusal: str  # the code in applications.attachments.MESSAGES


JS_ACTION = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
EMBEDDED_FILE = stream(f"Barn {PERSONNUMMER}".encode(), "/Type /EmbeddedFile")

HOSTILE = [
    # Archives that would take the worker down.
    Hostile("bomb-one-member.docx", lambda: docx_with_zeros("word/media/fill.xml", 120 * 1024 * 1024), "bomb"),
    Hostile("bomb-total.docx", lambda: docx_with_many_members(110, 1_000_000), "bomb"),
    Hostile("bomb-many-members.docx", lambda: docx_with_many_members(3000), "bomb"),
    Hostile("bomb-ratio.docx", lambda: docx_with_zeros("word/media/fill.xml", 5 * 1024 * 1024), "bomb"),
    Hostile(
        "lying-directory.docx",
        lambda: lying_directory(docx_with_zeros("word/header1.xml", 20 * 1024 * 1024), "word/header1.xml", 1000),
        "damaged",
    ),
    Hostile("overlapping-members.docx", lambda: overlapping_members(500), "bomb"),
    Hostile("entities.docx", members_with_entities, "damaged"),
    # Not a document at all, whatever the name says.
    Hostile("program.pdf", lambda: EXE, "kind"),
    Hostile("page.docx", lambda: b"<!doctype html><script>alert(1)</script>", "kind"),
    Hostile("archive.docx", lambda: _zip({"readme.txt": "hej"}), "kind"),
    Hostile("polyglot.pdf", lambda: b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n", "damaged"),
    Hostile("polyglot-valid.pdf", lambda: raw_pdf(header=b"%PDF-1.7\n%<html><script>alert(1)</script>\n"), "damaged"),
    Hostile("truncated.pdf", lambda: raw_pdf()[:400], "damaged"),
    # PDFs that act when opened.
    Hostile(
        "javascript.pdf",
        lambda: raw_pdf(catalog="/Names << /JavaScript << /Names [(a) 6 0 R] >> >>", extra=(JS_ACTION.encode(),)),
        "javascript",
    ),
    Hostile("open-action-javascript.pdf", lambda: raw_pdf(catalog=f"/OpenAction {JS_ACTION}"), "javascript"),
    Hostile(
        "open-action-hex-name.pdf",
        lambda: raw_pdf(catalog="/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >>"),
        "javascript",
    ),
    Hostile(
        "annotation-javascript.pdf",
        lambda: raw_pdf(page="/AA << /O << /S /J#61vaScript /JS 6 0 R >> >>", extra=(stream(b"app.alert(1)"),)),
        "javascript",
    ),
    Hostile("launch.pdf", lambda: raw_pdf(catalog="/OpenAction << /S /Launch /F (cmd.exe) >>"), "launch"),
    Hostile("launch-hex-name.pdf", lambda: raw_pdf(catalog="/OpenAction << /S /L#61unch /F (cmd.exe) >>"), "launch"),
    Hostile(
        "embedded-files.pdf",
        lambda: raw_pdf(
            catalog="/Names << /EmbeddedFiles << /Names [(barn.txt) 6 0 R] >> >>",
            extra=(b"<< /Type /Filespec /F (barn.txt) /EF << /F 7 0 R >> >>", EMBEDDED_FILE),
        ),
        "pdf_embedded",
    ),
    Hostile(
        "file-attachment.pdf",
        lambda: raw_pdf(
            page="/Annots [6 0 R]",
            extra=(
                b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 7 0 R >>",
                b"<< /Type /Filespec /F (barn.txt) /EF << /F 8 0 R >> >>",
                EMBEDDED_FILE,
            ),
        ),
        "pdf_embedded",
    ),
    Hostile("encrypted.pdf", lambda: encrypted_pdf(user_password="hemligt"), "encrypted"),
    Hostile("encrypted-owner-only.pdf", lambda: encrypted_pdf(user_password=""), "encrypted"),
    Hostile("scanned.pdf", lambda: raw_pdf(""), "no_text"),
    # Office files that carry code or objects.
    Hostile(
        "macros.docm.docx",
        lambda: docx(
            main=DOCM_MAIN,
            members={"word/vbaProject.bin": OLE},
            overrides={"/word/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
        ),
        "macros",
    ),
    Hostile("macro-content-type.docx", lambda: docx(main=DOCM_MAIN), "macros"),
    Hostile("vba-project.docx", lambda: docx(members={"word/vbaProject.bin": OLE}), "macros"),
    Hostile("embedded-program.docx", lambda: docx(members={"word/embeddings/setup.exe": EXE}), "executable"),
    Hostile("program-as-image.docx", lambda: docx(members={"word/media/image1.png": EXE}), "executable"),
    Hostile("ole-object.docx", lambda: docx(members={"word/embeddings/oleObject1.bin": OLE}), "embedded"),
    Hostile(
        "ole-content-type.docx",
        lambda: docx(
            members={"word/objects/thing.dat": OLE},
            overrides={"/word/objects/thing.dat": "application/vnd.openxmlformats-officedocument.oleObject"},
        ),
        "embedded",
    ),
    Hostile("activex.docx", lambda: docx(members={"word/activeX/activeX1.xml": "<ax/>"}), "embedded"),
    Hostile("nested-zip.docx", lambda: docx(members={"word/media/inner.zip": _zip({"a.txt": "a"})}), "embedded"),
    Hostile("zip-as-image.docx", lambda: docx(members={"word/media/image2.png": docx()}), "embedded"),
    Hostile(
        "nested-document.docx",
        lambda: docx(members={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx()}),
        "embedded",
    ),
    Hostile("unknown-part.docx", lambda: docx(members={"word/blob.dat": b"\x00\x01"}), "embedded"),
    Hostile("macros.odt", lambda: odt(members={"Basic/Standard/Module1.xml": "<script/>"}), "macros"),
    Hostile("ole-object.odt", lambda: odt(members={"Object 1": OLE}), "embedded"),
    # Personal identity numbers where a simple text extractor does not look.
    Hostile(
        "number-in-pdf-info.pdf",
        lambda: raw_pdf(trailer="/Info 6 0 R", extra=(f"<< /Author (Barn {PERSONNUMMER}) >>".encode(),)),
        "personal_identity_number",
    ),
    Hostile(
        "number-in-pdf-info-full-width.pdf",
        lambda: raw_pdf(trailer="/Info 6 0 R", extra=(f"<< /Title {utf16('８１１２１８－９８７６')} >>".encode(),)),
        "personal_identity_number",
    ),
    Hostile(
        "number-in-xmp.pdf",
        lambda: raw_pdf(
            catalog="/Metadata 6 0 R",
            extra=(stream(XMP.format(creator=PERSONNUMMER).encode(), "/Type /Metadata /Subtype /XML"),),
        ),
        "personal_identity_number",
    ),
    Hostile(
        "number-in-broken-xmp.pdf",
        lambda: raw_pdf(
            catalog="/Metadata 6 0 R",
            extra=(stream(b"<x:xmpmeta><rdf:li>Barn 811218-9876</rdf:li>", "/Type /Metadata /Subtype /XML"),),
        ),
        "personal_identity_number",
    ),
    Hostile(
        "number-in-annotation.pdf",
        lambda: raw_pdf(
            page="/Annots [6 0 R]",
            extra=(f"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (Barn {PERSONNUMMER}) >>".encode(),),
        ),
        "personal_identity_number",
    ),
    Hostile("number-en-dash.pdf", lambda: raw_pdf("Barn 811218–9876"), "personal_identity_number"),
    Hostile("number-spaced.pdf", lambda: raw_pdf("Barn 811218 - 9876"), "personal_identity_number"),
    Hostile("number-in-core.docx", lambda: docx(title=f"Lista {PERSONNUMMER}"), "personal_identity_number"),
    Hostile("number-in-creator.docx", lambda: docx(creator="19811218-9876"), "personal_identity_number"),
    Hostile("number-split-across-runs.docx", lambda: docx(("Barn 8112", "18-98", "76")), "personal_identity_number"),
    Hostile("number-en-dash.docx", lambda: docx("Barn 811218\u20139876"), "personal_identity_number"),
    Hostile("number-minus-sign.docx", lambda: docx("Barn 811218\u22129876"), "personal_identity_number"),
    Hostile("number-spaced.docx", lambda: docx("Barn 811218 \u2013 9876"), "personal_identity_number"),
    Hostile("number-full-width.docx", lambda: docx("Barn ８１１２１８－９８７６"), "personal_identity_number"),
    Hostile("number-zero-width.docx", lambda: docx("Barn 8112\u200b18-9876"), "personal_identity_number"),
    Hostile(
        "number-in-alt-text.docx",
        lambda: docx(
            document=(
                f'<w:document xmlns:w="{W}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
                f'<w:body><w:p><w:r><wp:docPr id="1" name="Bild" descr="Barn {PERSONNUMMER}"/></w:r></w:p></w:body>'
                "</w:document>"
            )
        ),
        "personal_identity_number",
    ),
    Hostile(
        "number-split-across-runs.xlsx", lambda: xlsx_with_runs("Barn 81121", "8-98", "76"), "personal_identity_number"
    ),
    Hostile("number-in-cell.xlsx", lambda: xlsx("Namn", 198112189876), "personal_identity_number"),
    Hostile(
        "number-in-legacy-drawing.docx",
        lambda: docx(members={"word/drawings/vmlDrawing1.vml": VML.format(text="Barn <font>8112</font>18-9876")}),
        "personal_identity_number",
    ),
    Hostile("number-split-across-spans.odt", lambda: odt("Barn 811", "218-", "9876"), "personal_identity_number"),
    Hostile("number-in-meta.odt", lambda: odt(title=f"Barn {PERSONNUMMER}"), "personal_identity_number"),
]

VALID = {
    "pypdf.pdf": pdf_made_with_pypdf,
    "weasyprint.pdf": pdf_made_with_weasyprint,
    "written.pdf": lambda: raw_pdf("Kartläggning 2026, 1 234 barn", catalog="/OpenAction [3 0 R /Fit]"),
    "underskrifter.docx": lambda: docx(
        "Underskrifter", ("Uddevalla ", "kommun"), members={"word/media/image1.png": PNG}
    ),
    "budget.xlsx": lambda: xlsx("Budget 2027", 1234567, "Telefon 0522-123456"),
    "plan.odt": lambda: odt("Plan för ", "2027–2029"),
    "kommentar.docx": lambda: docx(
        members={"word/drawings/vmlDrawing1.vml": VML.format(text="Se <font>budget</font>")}
    ),
}


@functools.cache
def built(name: str) -> bytes:
    """The file's bytes, built once per test run."""
    for hostile in HOSTILE:
        if hostile.name == name:
            return hostile.build()
    return VALID[name]()
