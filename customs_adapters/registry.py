"""Format name → adapter. Adding a country's system: write one adapter file, add one line here.

An explicit dict (not import-time self-registration) so the list of supported formats can be read
in one place and nothing depends on which modules happen to have been imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.errors import InvalidInput
from customs_adapters.asycuda_xml import AsycudaXmlAdapter
from customs_adapters.base import DeclarationAdapter
from customs_adapters.csv_batch import CsvBatchAdapter
from customs_adapters.rest_json import RestJsonAdapter
from customs_adapters.wco_json import WcoJsonAdapter

ADAPTERS: dict[str, Callable[..., DeclarationAdapter]] = {
    "asycuda_xml": AsycudaXmlAdapter,
    "csv_batch": CsvBatchAdapter,
    "rest_json": RestJsonAdapter,
    "wco_json": WcoJsonAdapter,
}


def get_adapter(name: str, **options: Any) -> DeclarationAdapter:
    """Build the adapter for ``name``; ``options`` go to its constructor (e.g. office_country)."""
    try:
        factory = ADAPTERS[name]
    except KeyError:
        raise InvalidInput.on(
            "format",
            "known-customs-format",
            f"customs format '{name}' is not supported; "
            f"known formats: {', '.join(sorted(ADAPTERS))}",
        ) from None
    return factory(**options)
