"""JSON files the service publishes and verifiers cache (key set, revocation list).

Both share one shape: an object with a ``format`` tag and a list of entry objects; one reader
checks it so both files report problems in the same words.
"""

from __future__ import annotations

import json
from typing import Any

from manifests.errors import ManifestError


def dump_published(body: dict[str, Any]) -> str:
    """Stable JSON (sorted keys) so the same content always gives the same file and ETag."""
    return json.dumps(body, indent=2, sort_keys=True) + "\n"


def load_published(
    text: str | bytes, what: str, fmt: str, list_field: str, error: type[ManifestError]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The top-level object and its entry list; raise ``error`` naming ``what`` is wrong."""
    try:
        body = json.loads(text)
    except ValueError as problem:
        raise error(f"{what} is not JSON: {problem}") from None
    if not isinstance(body, dict) or body.get("format") != fmt:
        raise error(f"{what} must be a JSON object with format {fmt!r}")
    items = body.get(list_field)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise error(f"{what} field {list_field!r} must be a list of objects")
    return body, items
