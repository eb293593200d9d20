"""Reading codes from files, as the CLI does: photos, PDFs, no QR, wrong files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from manifests.errors import NoQrCodeFound, UnreadableFile
from manifests.keys import KeySet
from manifests.qr import qr_png
from manifests.revocation import RevocationList
from manifests.scan import decode_qr, read_qr_text, verify_command


def _photo(text: str) -> bytes:
    """A 'phone photo': grey paper, slight rotation, blur, downscale, JPEG at quality 70."""
    code = Image.open(io.BytesIO(qr_png(text, box=6))).convert("L")
    paper = Image.new("L", (code.width + 300, code.height + 260), 200)
    paper.paste(code, (140, 110))
    photo = paper.rotate(7, resample=Image.Resampling.BICUBIC, fillcolor=190)
    photo = photo.filter(ImageFilter.GaussianBlur(1.2)).resize(
        (int(photo.width * 0.8), int(photo.height * 0.8))
    )
    out = io.BytesIO()
    photo.convert("RGB").save(out, format="JPEG", quality=70)
    return out.getvalue()


def test_photo_of_the_code_decodes(text: str) -> None:
    assert decode_qr(_photo(text)) == [text]


def test_image_without_a_code_gives_a_clear_error(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (400, 300), 255).save(blank)
    assert decode_qr(blank.read_bytes()) == []
    with pytest.raises(NoQrCodeFound, match=r"no QR code found in .*blank\.png"):
        read_qr_text(str(blank))


def test_non_image_file_gives_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "scan.png"
    fake.write_text("this is not a picture")
    with pytest.raises(UnreadableFile, match="not a PNG, JPEG or PDF"):
        read_qr_text(str(fake))
    with pytest.raises(UnreadableFile, match="cannot read"):
        read_qr_text(str(tmp_path / "missing.pdf"))
    with pytest.raises(UnreadableFile, match="neither"):
        read_qr_text("hello")


def test_raw_text_is_taken_as_is(text: str) -> None:
    assert read_qr_text(text) == text


def _files(tmp_path: Path, keyset: KeySet) -> Path:
    path = tmp_path / "keyset.json"
    path.write_text(keyset.to_json())
    return path


def test_verify_command_exit_codes(tmp_path: Path, text: str, keyset: KeySet, claims) -> None:
    keyset_path = _files(tmp_path, keyset)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(_photo(text))
    code, body = verify_command(str(photo), keyset_path, None)
    # today's date decides validity here; the example is valid 2026-03-01 .. 2027-02-28
    assert body["authentic"] is True
    assert code == (0 if body["status"] == "valid" else 1)
    json.dumps(body)

    revoked = tmp_path / "revocations.json"
    revoked.write_text(RevocationList().with_entry(claims.doc_id, None, "cancelled").to_json())
    code, body = verify_command(text, keyset_path, revoked)
    assert (code, body["status"]) == (1, "revoked_document")

    code, body = verify_command("BT1:garbage", keyset_path, None)
    assert (code, body["status"], body["ok"]) == (1, "malformed", False)


def test_verify_command_input_problems_exit_2(tmp_path: Path, text: str, keyset) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    code, body = verify_command(str(blank), _files(tmp_path, keyset), None)
    assert code == 2
    assert "no QR code found" in body["reasons"][0]
    code, body = verify_command(text, tmp_path / "nowhere.json", None)
    assert code == 2
    assert "nowhere.json" in body["reasons"][0]
