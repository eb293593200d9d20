import io

import pytest
import zxingcpp
from PIL import Image, ImageOps

from manifests.errors import MalformedPayload
from manifests.examples import example_claims
from manifests.payload import encode
from manifests.qr import QUIET_ZONE, dark_runs, draw_qr, qr_matrix, qr_png, qr_version
from manifests.scan import decode_qr

# Data codewords of a version 14 symbol at level Q (ISO/IEC 18004 table 7). In byte mode that holds
# at most 259 characters (4-bit mode + 16-bit count + 8 bits per character).
VERSION_14_Q_DATA_CODEWORDS = 261
VERSION_14_Q_BYTE_MODE_CHARACTERS = (VERSION_14_Q_DATA_CODEWORDS * 8 - 4 - 16) // 8


def test_typical_movement_fits_version_14_at_level_q(key) -> None:
    text = encode(example_claims(), key)
    assert qr_version(text) <= 14  # as with the qrcode library: 73 x 73 modules for ~358 characters
    matrix = qr_matrix(text)
    assert len(matrix) == len(matrix[0]) == 17 + 4 * qr_version(text)


def test_alphanumeric_mode_is_used(key) -> None:
    """The text is longer than version 14 holds in byte mode, so it can only fit as alphanumeric."""
    text = encode(example_claims(), key)
    assert len(text) > VERSION_14_Q_BYTE_MODE_CHARACTERS
    assert qr_version(text) <= 14


def _matrix_png(matrix: list[list[bool]]) -> bytes:
    """PNG of the matrix made without qr_png: 4-module white border, 4 pixels a module."""
    side = len(matrix)
    grey = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = ImageOps.expand(Image.frombytes("L", (side, side), grey), border=4, fill=255)
    out = io.BytesIO()
    image.resize((image.width * 4, image.height * 4), Image.Resampling.NEAREST).save(out, "PNG")
    return out.getvalue()


def test_matrix_reads_back_as_the_same_text_at_level_q_without_eci(text: str) -> None:
    png = _matrix_png(qr_matrix(text))
    found = zxingcpp.read_barcode(Image.open(io.BytesIO(png)), try_invert=False)  # True = dark
    assert found is not None and found.valid
    assert found.text == text
    assert found.ec_level == "Q"
    assert isinstance(found.extra, dict) and found.extra["Version"] == str(qr_version(text))
    assert found.symbology_identifier == "]Q1"  # ]Q2 would mean an ECI header in front of the data


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("BT1:abc", r"characters \['a', 'b', 'c'\] are outside its set"),
        ("BT1:Ä", r"characters \['Ä'\] are outside its set"),
        ("BT1:" + "A" * 4000, r"text of 4004 characters cannot be a QR code"),
    ],
)
def test_text_that_does_not_fit_alphanumeric_mode_is_refused(text: str, problem: str) -> None:
    with pytest.raises(MalformedPayload, match=problem):
        qr_matrix(text)


def test_png_decodes_back_to_the_text(text: str) -> None:
    assert decode_qr(qr_png(text)) == [text]


def test_dark_runs_merge_neighbours() -> None:
    assert dark_runs([True, True, False, True, False, False, True, True, True]) == [
        (0, 2),
        (3, 1),
        (6, 3),
    ]


class RecordingCanvas:
    def __init__(self) -> None:
        self.literal = ""
        self.rects: list[tuple[float, float, float, float]] = []

    def rect(self, x, y, width, height, stroke=1, fill=0) -> None:
        self.rects.append((x, y, width, height))

    def setFillGray(self, gray, alpha=None) -> None: ...
    def saveState(self) -> None: ...
    def restoreState(self) -> None: ...
    def translate(self, dx, dy) -> None: ...
    def scale(self, x, y) -> None: ...

    def addLiteral(self, s, escaped=1) -> None:
        self.literal += s


def test_draw_qr_writes_one_rectangle_per_run_and_a_white_quiet_zone(text: str) -> None:
    matrix = qr_matrix(text)
    canvas = RecordingCanvas()
    draw_qr(canvas, text, 10, 20, 113.4)
    runs = sum(len(dark_runs(row)) for row in matrix)
    modules = sum(sum(row) for row in matrix)
    assert canvas.literal.count(" re") == runs < modules
    assert canvas.rects == [(10, 20, 113.4, 113.4)]  # background incl. 4-module quiet zone
    assert QUIET_ZONE == 4
