"""Reading codes from files, as the CLI does: photos, PDFs, no QR, wrong files."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from manifests.errors import NoQrCodeFound, UnreadableFile
from manifests.examples import example_claims
from manifests.keys import KeySet, SigningKey
from manifests.payload import encode
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


@contextmanager
def _local_time_zone(zone: str) -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_the_offline_verifier_judges_dates_on_its_own_calendar(
    tmp_path: Path, key: SigningKey, keyset: KeySet
) -> None:
    """Run at a border, ``verify`` takes that machine's date, not UTC's: a document valid only
    on the local date verifies there, whichever way the UTC date differs from it."""
    now = datetime.now(UTC)
    zone = "Etc/GMT+12" if now.hour < 12 else "Etc/GMT-12"  # local date = UTC date -1 or +1
    with _local_time_zone(zone):
        local_today = date.today()
        assert local_today != now.date()
        only_today = replace(example_claims(), valid_from=local_today, valid_to=local_today)
        code, body = verify_command(encode(only_today, key), _files(tmp_path, keyset), None)
    assert (code, body["status"]) == (0, "valid"), body["reasons"]
