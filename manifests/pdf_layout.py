"""Drawing helpers for the forms: numbered bilingual blocks, mixed Latin/CJK text, an annex page.

Latin text uses Helvetica, Chinese uses ReportLab's built-in CID font STSong-Light (no font file,
not embedded: the reader's CJK font shows it). A line is split into runs by script so names in
either script print. Text that does not fit a block is cut with a pointer to the annex page, where
it is printed in full, so nothing is lost silently.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from manifests.qr import draw_qr

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 24.0
MM = 72 / 25.4
QR_SIZE = 40 * MM
LABEL_SIZE = 6.0
VALUE_SIZE = 7.0
LEADING = 8.2
CONTINUED = "… continued in annex / 续见附件"

_CP1252 = "".join(chr(code) for code in range(0x20, 0x2200) if chr(code).encode("cp1252", "ignore"))
_RUNS = re.compile(f"[{re.escape(_CP1252)}]+|[^{re.escape(_CP1252)}]+")


@cache
def register_fonts() -> None:
    """Register the CID font once per process (registration parses its metrics)."""
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def check(flag: bool | None) -> str:
    """A printed tick box: [X] ticked, [ ] not ticked or not yet known."""
    return "[X]" if flag else "[ ]"


# Both are pure and see the same words on every form (the bilingual labels, units, tick boxes):
# remembering them took a quarter off the time to draw a movement PDF (bench_manifests).
_REMEMBERED = 16_384


@lru_cache(maxsize=_REMEMBERED)
def runs(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """(text, font) pieces: WinAnsi-encodable text in Helvetica, everything else in STSong."""
    latin = LATIN_BOLD if bold else LATIN
    return tuple((m, latin if m[0] in _CP1252 else CJK) for m in _RUNS.findall(text))


@lru_cache(maxsize=_REMEMBERED)
def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for piece, font in runs(text, bold))


#: The fonts' internal names, the same in every document because they are named in one order
#: (Helvetica by ReportLab's preamble, the others by ``_name_fonts``): what makes the cached
#: text operators below valid in every form.
_FONT_NAMES = {LATIN: "/F1", LATIN_BOLD: "/F2", CJK: "/F3"}


def _name_fonts(canvas: Canvas) -> None:
    named = {font: canvas._doc.getInternalFontName(font) for font in _FONT_NAMES}
    if named != _FONT_NAMES:
        raise RuntimeError(f"ReportLab named the fonts {named}, not {_FONT_NAMES}")


@cache
def _scratch_canvas() -> Canvas:
    """A canvas that is never saved: ReportLab's text objects turn text into operators on it."""
    register_fonts()
    canvas = Canvas(io.BytesIO(), pagesize=A4, invariant=True)
    _name_fonts(canvas)
    return canvas


_AT_ORIGIN = "BT 1 0 0 1 0 0 Tm "


@lru_cache(maxsize=_REMEMBERED)
def text_operators(text: str, size: float, bold: bool = False) -> str:
    """The PDF operators that show ``text`` (font switches between its runs included), as a
    ReportLab text object writes them, without position: labels repeat on every form, and
    writing them anew was half the time to draw a movement PDF (bench_manifests)."""
    text_object = _scratch_canvas().beginText(0, 0)
    for piece, font in runs(text, bold):
        text_object.setFont(font, size)
        text_object.textOut(piece)
    code = text_object.getCode()
    if not (code.startswith(_AT_ORIGIN) and code.endswith(" ET")):
        raise RuntimeError(f"unexpected text object from ReportLab: {code[:60]!r}")
    return code[len(_AT_ORIGIN) : -len(" ET")]


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy word wrap; a word wider than the line (unspaced Chinese) is broken by character."""
    space = pdfmetrics.stringWidth(" ", LATIN, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            needed = text_width(word, size)
            if not line and not word:
                continue
            if line and used + space + needed <= width:
                line, used = f"{line} {word}", used + space + needed
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            if needed <= width:
                line, used = word, needed
                continue
            for char in word:
                char_width = text_width(char, size)
                if line and used + char_width > width:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + char_width
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Block:
    """One numbered box of the form; ``width`` is a fraction of the page's text width."""

    number: str
    english: str
    chinese: str
    lines: list[str]
    width: float = 1.0


@dataclass
class FormWriter:
    """Draws one form into an in-memory PDF, collecting text that overflows into an annex."""

    title_en: str
    title_zh: str
    annex: list[tuple[Block, list[str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        register_fonts()
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=True, pageCompression=1)
        _name_fonts(self.canvas)
        self.canvas.setTitle(f"{self.title_en} / {self.title_zh}")
        self.canvas.setLineWidth(0.5)

    def draw_text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
        """Draw mixed-script text on one baseline (the same operators a ReportLab text object
        at (x, y) writes)."""
        self.canvas.addLiteral(
            f"BT 1 0 0 1 {fp_str(x, y)} Tm {text_operators(text, size, bold)} ET"
        )

    def header(self, qr_text: str, subtitle: str) -> float:
        """Title, subtitle and the QR code at the top right; return the y where blocks start."""
        top = PAGE_HEIGHT - MARGIN
        self.draw_text(MARGIN, top - 14, self.title_en, 11, bold=True)
        self.draw_text(MARGIN, top - 30, self.title_zh, 11)
        self.draw_text(MARGIN, top - 48, subtitle, 8)
        note = "Scan the QR code to verify offline. / 扫描二维码可离线核验。"
        self.draw_text(MARGIN, top - 62, note, 7)
        draw_qr(self.canvas, qr_text, PAGE_WIDTH - MARGIN - QR_SIZE, top - QR_SIZE, QR_SIZE)
        return top - QR_SIZE - 4

    def row(self, top: float, height: float, blocks: list[Block]) -> float:
        """Draw blocks side by side in one row; return the y below the row."""
        x = MARGIN
        full = PAGE_WIDTH - 2 * MARGIN
        for block in blocks:
            width = full * block.width
            self.block(x, top, width, height, block)
            x += width
        return top - height

    def block(self, x: float, top: float, width: float, height: float, block: Block) -> None:
        self.canvas.rect(x, top - height, width, height, stroke=1, fill=0)
        inner = width - 6
        label = f"{block.number}. {block.english}"
        y = top - 7.5
        if text_width(f"{label}  {block.chinese}", LABEL_SIZE, bold=True) <= inner:
            self.draw_text(x + 3, y, f"{label}  {block.chinese}", LABEL_SIZE, bold=True)
        else:
            self.draw_text(x + 3, y, label, LABEL_SIZE, bold=True)
            y -= LABEL_SIZE + 1
            self.draw_text(x + 3, y, block.chinese, LABEL_SIZE)
        lines = [line for text in block.lines for line in wrap(text, inner, VALUE_SIZE)]
        room = int((y - (top - height) - 3) // LEADING)
        if len(lines) > room:
            self.annex.append((block, lines))
            lines = [*lines[: max(room - 1, 0)], CONTINUED][: max(room, 0)]
        for line in lines:
            y -= LEADING
            self.draw_text(x + 3, y, line, VALUE_SIZE)

    def finish(self) -> bytes:
        """Add annex pages for overflowing blocks, close the PDF and return its bytes."""
        if self.annex:
            self._annex_pages()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()

    def _annex_pages(self) -> None:
        y = 0.0
        for index, (block, lines) in enumerate(self.annex):
            needed = 2 * LEADING + len(lines) * LEADING
            if index == 0 or y - needed < MARGIN:
                self.canvas.showPage()
                self.canvas.setLineWidth(0.5)
                y = PAGE_HEIGHT - MARGIN - 14
                self.draw_text(MARGIN, y, "Annex – continuation of blocks / 附件 – 续页", 10, True)
                y -= 2 * LEADING
            y -= LEADING
            self.draw_text(MARGIN, y, f"{block.number}. {block.english}  {block.chinese}", 7, True)
            for line in lines:
                y -= LEADING
                self.draw_text(MARGIN + 6, y, line, VALUE_SIZE)
            y -= LEADING / 2
