"""The one interface every customs format implements, and the helpers all of them share.

An adapter reads a stream and yields, in order, one ``ParsedRow`` per declaration found: either
``ParsedDeclaration`` (valid, in the canonical model) or ``RowError`` (where and why it was
refused). A bad declaration never stops the good ones after it; only input that cannot be read any
further (not well-formed XML, too large) ends the stream, and that too is reported as a RowError.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Protocol, runtime_checkable

from pydantic import ValidationError

from customs_adapters.declaration import (
    ConsentMessage,
    CustomsDeclaration,
    describe_validation_error,
)

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Cap on a whole-document input (JSON, XML): a file larger than this is refused, not read."""

MODE_CODES = {"1": "S", "2": "T", "3": "R", "4": "A", "8": "W"}
"""UN/ECE Recommendation 19 mode of transport (SAD box 25/26, WCO ModeCode) → Basel form letter."""

NOTIFICATION_DOCUMENT_TYPE = "BNT"
MOVEMENT_DOCUMENT_TYPE = "BMD"
"""BaselTrack's own supporting-document type codes for the Basel notification and movement
document (no shared international code was found); a national profile substitutes its own."""


@dataclass(frozen=True, slots=True)
class ParsedDeclaration:
    position: int
    declaration: CustomsDeclaration


@dataclass(frozen=True, slots=True)
class RowError:
    """``position``: line number (CSV, NDJSON) or 1-based element index (XML, JSON list)."""

    position: int
    reason: str


ParsedRow = ParsedDeclaration | RowError


@runtime_checkable
class DeclarationAdapter(Protocol):
    name: str

    def parse(self, stream: IO[bytes]) -> Iterator[ParsedRow]: ...


@runtime_checkable
class ConsentRenderer(Protocol):
    """Formats that customs also receive from us (outbound) render consents."""

    def render_consent(self, msg: ConsentMessage) -> bytes: ...


class InputTooLarge(ValueError):
    pass


class LimitedReader:
    """A binary reader that refuses to hand out more than ``max_bytes`` in total."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self._stream = stream
        self._left = max_bytes
        self._max = max_bytes

    def read(self, size: int = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        chunk = self._stream.read(want)
        self._left -= len(chunk)
        if self._left < 0:
            raise InputTooLarge(f"input is larger than the limit of {self._max} bytes")
        return chunk


def read_capped(stream: IO[bytes], max_bytes: int) -> bytes:
    return LimitedReader(stream, max_bytes).read()


_validate_declaration = CustomsDeclaration.__pydantic_validator__.validate_python
"""``CustomsDeclaration.model_validate`` without its Python wrapper (called once per row)."""


def to_row(position: int, data: Mapping[str, Any]) -> ParsedRow:
    """Validate canonical fields into a declaration, or explain field by field why not."""
    try:
        return ParsedDeclaration(position, _validate_declaration(data))
    except ValidationError as error:
        return RowError(position, describe_validation_error(error))
