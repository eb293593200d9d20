"""PDFs: the printed QR decodes and verifies, text is there in both languages, bytes are stable."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdfium2
from reportlab.pdfgen.canvas import Canvas

from manifests.examples import example_movement_document, example_notification_document
from manifests.keys import KeySet
from manifests.pdf import movement_pdf, notification_pdf
from manifests.pdf_layout import CJK, CONTINUED, LATIN, FormWriter, runs
from manifests.scan import decode_qr
from manifests.verify import verify

from .conftest import IN_VALIDITY


def _pages_text(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_movement_pdf_qr_decodes_and_verifies(text: str, keyset: KeySet) -> None:
    pdf = movement_pdf(example_movement_document(), text)
    assert pdf.startswith(b"%PDF-")
    decoded = decode_qr(pdf)
    assert decoded == [text]
    assert verify(decoded[0], keyset, today=IN_VALIDITY).ok


def test_notification_pdf_qr_decodes_and_verifies(text: str, keyset: KeySet) -> None:
    pdf = notification_pdf(example_notification_document(), text)
    assert verify(decode_qr(pdf)[0], keyset, today=IN_VALIDITY).ok


def test_movement_pdf_text_has_record_values_and_both_languages(text: str) -> None:
    (page,) = _pages_text(movement_pdf(example_movement_document(), text))
    for value in ("DE-2026-000123", "24.520", "A1160", "16 06 01*", "Y31", "R4", "7 / 40",
                  "UN2794", "8549.11"):  # fmt: skip
        assert value in page
    for label in ("Exporter – notifier", "Waste identification", "Customs office of entry"):
        assert label in page
    # The CID font is not embedded, but its UCS-2 CMap lets pdfium extract the Chinese text.
    for label in ("出口者", "实际数量", "废物识别", "过境国海关印章", "陈伟明"):
        assert label in page
    for number in range(1, 23):
        assert f"{number}. " in page


def test_notification_pdf_has_all_21_blocks(text: str) -> None:
    (page,) = _pages_text(notification_pdf(example_notification_document(), text))
    assert "980 t" in page
    assert "通知编号" in page and "书面同意" in page
    for number in range(1, 22):
        assert f"{number}. " in page


def test_pdfs_are_byte_stable(text: str) -> None:
    document = example_movement_document()
    assert movement_pdf(document, text) == movement_pdf(document, text)
    notification = example_notification_document()
    assert notification_pdf(notification, text) == notification_pdf(notification, text)


def test_overflowing_text_continues_on_an_annex_page(text: str) -> None:
    long_info = " ".join(f"Seal number S-{n:05d} checked." for n in range(60))
    document = replace(example_movement_document(), additional_information=long_info)
    pages = _pages_text(movement_pdf(document, text))
    assert len(pages) == 2
    assert "continued in annex" in pages[0]
    assert "Annex" in pages[1] and "S-00059" in pages[1]
    assert CONTINUED.startswith("…")


def test_more_than_three_carriers_are_all_printed(text: str) -> None:
    base = example_movement_document()
    document = replace(base, carriers=[*base.carriers, base.carriers[0]])
    text_all = "".join(_pages_text(movement_pdf(document, text)))
    assert "(d) further carrier" in text_all


def test_remembered_text_is_what_a_reportlab_text_object_writes_in_any_form() -> None:
    """The operators of repeated labels are made once and reused in every document: each form
    must name its fonts as the cache did, whatever it draws first."""
    line = "7. Carrier (Straits Hazmat) 承运人 – 20 kg, (50 %)"
    for first in ("Bold title / 粗体", "中文在先", "plain"):
        form = FormWriter("Title", "标题")
        form.draw_text(10, 20, first, 6, bold=first.startswith("Bold"))
        form.draw_text(12.5, 700.25, line, 7)
        reference = Canvas(io.BytesIO(), invariant=True)
        text_object = reference.beginText(12.5, 700.25)
        for piece, font in runs(line):
            text_object.setFont(font, 7)
            text_object.textOut(piece)
        names = {font: reference._doc.getInternalFontName(font) for font in (LATIN, CJK)}
        written = form.canvas._code[-1]
        expected = text_object.getCode()
        for font, name in names.items():  # the reference canvas named its fonts by first use
            expected = expected.replace(f"{name} ", f"<{font}> ")
            written = written.replace(
                f"{form.canvas._doc.getInternalFontName(font)} ", f"<{font}> "
            )
        assert written == expected
