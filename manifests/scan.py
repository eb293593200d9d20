"""Reading QR codes back from images and PDFs, and the verify command the CLI wraps.

PDF pages are rendered with pypdfium2 at 3x (216 dpi): a 40 mm symbol of version 14–16 then has
about 4 pixels per module, which zxing-cpp decodes reliably; a failed page is retried at 5x.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2
import zxingcpp
from PIL import Image, UnidentifiedImageError

from manifests.errors import ManifestError, NoQrCodeFound, UnreadableFile
from manifests.keys import KeySet
from manifests.payload import PREFIX
from manifests.revocation import RevocationList
from manifests.verify import verify

PDF_SCALES = (3.0, 5.0)
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".pdf")
MAX_IMAGE_PIXELS = 60_000_000


def _decode_image(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, formats=QR_ONLY)
    return [barcode.text for barcode in found if barcode.valid]


def _decode_pdf(data: bytes) -> list[str]:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise UnreadableFile(f"the PDF cannot be opened: {error}") from None
    texts: list[str] = []
    try:
        for page in document:
            for scale in PDF_SCALES:
                image = page.render(scale=scale, grayscale=True).to_pil()
                found = _decode_image(image)
                if found:
                    texts.extend(found)
                    break
    finally:
        document.close()
    return texts


def decode_qr(data: bytes) -> list[str]:
    """Texts of every QR code in a PNG, JPEG or PDF (in page order); [] when none is found."""
    if data[:5] == b"%PDF-":
        return _decode_pdf(data)
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise UnreadableFile(f"image of {image.width}x{image.height} pixels is too large")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UnreadableFile(f"not a PNG, JPEG or PDF that can be opened ({error})") from None
    return _decode_image(image.convert("L"))


def read_qr_text(path_or_text: str) -> str:
    """The BT1 text from raw text, or from the first BT1 code in a PNG/JPEG/PDF file."""
    if path_or_text.startswith(PREFIX):
        return path_or_text  # not stripped: a base45 text may end in a significant space
    path = Path(path_or_text)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise UnreadableFile(
            f"{path_or_text!r:.60} is neither a {PREFIX} text nor a .png/.jpg/.jpeg/.pdf file"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror}") from None
    texts = decode_qr(data)
    if not texts:
        raise NoQrCodeFound(f"no QR code found in {path}; rescan it sharper or type the text")
    for text in texts:
        if text.startswith(PREFIX):
            return text
    raise NoQrCodeFound(f"{path} holds {len(texts)} QR code(s), none starting with {PREFIX!r}")


def _input_problem(message: str) -> dict[str, Any]:
    return {
        "ok": False,
        "authentic": False,
        "status": "malformed",
        "reasons": [message],
        "claims": None,
        "kid": None,
    }


def verify_command(
    path_or_text: str, keyset_path: Path, revocations_path: Path | None
) -> tuple[int, dict[str, Any]]:
    """Exit code and verdict dict: 0 authentic and valid, 1 any other verdict, 2 unusable input."""
    try:
        keyset = KeySet.from_json(Path(keyset_path).read_bytes())
        revocations = (
            RevocationList.from_json(Path(revocations_path).read_bytes())
            if revocations_path
            else None
        )
    except OSError as error:
        return 2, _input_problem(f"Cannot read {error.filename}: {error.strerror}.")
    except ManifestError as error:
        return 2, _input_problem(f"{error}.")
    try:
        text = read_qr_text(path_or_text)
    except ManifestError as error:
        return 2, _input_problem(f"{error}.")
    # The verifier's own calendar: run at a border, this machine's date is the border's.
    verdict = verify(text, keyset, revocations, today=date.today())
    return (0 if verdict.ok else 1), verdict.as_dict()
