from manifests.examples import example_claims
from manifests.payload import encode
from manifests.qr import QUIET_ZONE, dark_runs, draw_qr, qr_matrix, qr_symbol
from manifests.scan import decode_qr


def test_typical_movement_fits_version_16_at_level_q(key) -> None:
    text = encode(example_claims(), key)
    symbol = qr_symbol(text)
    assert symbol.version <= 16  # measured: version 14 (73 x 73 modules) for 358 characters
    matrix = qr_matrix(text)
    assert len(matrix) == len(matrix[0]) == 17 + 4 * symbol.version


def test_alphanumeric_mode_is_used(key) -> None:
    text = encode(example_claims(), key)
    assert [chunk.mode for chunk in qr_symbol(text).data_list] == [2]  # MODE_ALPHA_NUM


def test_png_decodes_back_to_the_text(text: str) -> None:
    from manifests.qr import qr_png

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
    draw_qr(canvas, matrix, 10, 20, 113.4)
    runs = sum(len(dark_runs(row)) for row in matrix)
    modules = sum(sum(row) for row in matrix)
    assert canvas.literal.count(" re") == runs < modules
    assert canvas.rects == [(10, 20, 113.4, 113.4)]  # background incl. 4-module quiet zone
    assert QUIET_ZONE == 4
