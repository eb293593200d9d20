"""QR symbols for BT1 texts: error correction Q, alphanumeric mode (base45 = QR alphanumeric set).

Symbols are built by zxing-cpp's writer (~1 ms each; the pure-Python ``qrcode`` spent ~30 ms on
the mask search alone), the same library that reads them back in ``manifests.scan``.

``qr_matrix`` returns the symbol without quiet zone; the drawing functions add the 4-module quiet
zone the QR standard asks for. ``draw_qr`` merges each row's dark modules into horizontal runs, one
rectangle per run, which keeps PDFs small and fast to write and to render.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Protocol

import zxingcpp
from PIL import Image

from manifests.errors import MalformedPayload

QUIET_ZONE = 4
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
Matrix = list[list[bool]]
_DARK_IS_ONE = bytes([1] + [0] * 255)  # zxing-cpp's grey byte per module -> 1 for dark
_DARK_RUN = re.compile(b"\x01+")


class QrCanvas(Protocol):
    """The part of a ReportLab canvas draw_qr uses."""

    def rect(
        self, x: float, y: float, width: float, height: float, stroke: int = ..., fill: int = ...
    ) -> None: ...

    def setFillGray(self, gray: float, alpha: float | None = ...) -> None: ...

    def saveState(self) -> None: ...

    def restoreState(self) -> None: ...

    def translate(self, dx: float, dy: float) -> None: ...

    def scale(self, x: float, y: float) -> None: ...

    def addLiteral(self, s: str, escaped: int = ...) -> None: ...


@lru_cache(maxsize=256)
def _symbol(text: str) -> tuple[bytes, ...]:
    """The symbol's rows, one byte per module (1 = dark): kept as bytes, because the PDF finds
    its dark runs with the regex engine and a tuple of bools per module cost more than the
    symbol itself."""
    outside = sorted(set(text) - ALPHANUMERIC)
    if outside:
        raise MalformedPayload(
            f"text cannot be stored in QR alphanumeric mode: characters {outside!r:.80} are "
            "outside its set (0-9, A-Z, space, $%*+-./:)"
        )
    try:
        symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    except ValueError as error:  # e.g. more data than a version 40 symbol holds at level Q
        raise MalformedPayload(
            f"text of {len(text)} characters cannot be a QR code: {error}"
        ) from None
    # One grey byte per module, 0 = dark; PIL reads zxing-cpp's image through __array_interface__.
    image = Image.fromarray(symbol.to_image(scale=1, add_quiet_zones=False))
    side = image.width
    modules = image.tobytes().translate(_DARK_IS_ONE)
    return tuple(modules[start : start + side] for start in range(0, side * side, side))


def qr_matrix(text: str) -> Matrix:
    """Dark (True) / light modules, row by row, without quiet zone.

    zxing-cpp's writer picks the smallest version at level Q and, because every character is in
    the QR alphanumeric set (checked here, as base45 guarantees), stores the text in alphanumeric
    mode: 5.5 bits per character instead of 8. Cached per text, because the same code is drawn
    into the PNG, the PDF and every reprint.
    """
    return [list(map(bool, row)) for row in _symbol(text)]


def qr_version(text: str) -> int:
    """QR version (1-40) of the symbol for the text: a version-v symbol is 17 + 4v modules wide."""
    return (len(_symbol(text)) - 17) // 4


def dark_runs(row: list[bool] | bytes) -> list[tuple[int, int]]:
    """(start column, length) of each run of dark modules in one row (found by the regex engine,
    not a Python loop over modules: a symbol has ~5,000 of them)."""
    return [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bytes(row))]


@lru_cache(maxsize=256)
def _run_rectangles(text: str) -> str:
    """The symbol as PDF path operators in module units, rows counted downwards: one ``re`` per
    dark run, one fill for all (cached: a reprint draws the same code)."""
    operators = [
        f"{start} {-row_index - 1} {length} 1 re"
        for row_index, row in enumerate(_symbol(text))
        for start, length in dark_runs(row)
    ]
    return "\n".join(operators) + "\nf"


def qr_png(text: str, box: int = 4) -> bytes:
    """PNG of the symbol with a 4-module quiet zone, ``box`` pixels per module."""
    matrix = qr_matrix(text)
    side = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("1", (side, side), 1)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    image = image.resize((side * box, side * box), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def draw_qr(canvas: QrCanvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the symbol of ``text`` with its quiet zone in a ``size`` square whose lower-left
    corner is (x, y).

    Coordinates are scaled to module units, so each run is one ``re`` operator with integer
    operands: one rectangle per run, one fill for the whole symbol.
    """
    count = len(_symbol(text))
    module = size / (count + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillGray(1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillGray(0)
    # Origin at the symbol's top-left module corner, one unit per module, rows counted downwards.
    canvas.translate(x + QUIET_ZONE * module, y + size - QUIET_ZONE * module)
    canvas.scale(module, module)
    canvas.addLiteral(_run_rectangles(text))
    canvas.restoreState()
