"""Regenerate ``data/countries.csv`` (ISO 3166-1) from the installed pycountry package.

Run once when pycountry is upgraded: ``.venv/bin/python -m app.reference.build_countries``.
The service itself only reads the CSV, so the country list is a reviewed, committed data file and
does not change silently with a dependency upgrade.
"""

from __future__ import annotations

import csv
from importlib.metadata import version
from pathlib import Path

import pycountry

OUTPUT = Path(__file__).parent / "data" / "countries.csv"


def build(output: Path = OUTPUT) -> int:
    """Write one row per ISO 3166-1 country and return the number of rows written."""
    source = f"pycountry {version('pycountry')} (ISO 3166-1 data from Debian iso-codes)"
    rows = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    with output.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "alpha3", "numeric", "title", "source"])
        for country in rows:
            writer.writerow(
                [country.alpha_2, country.alpha_3, country.numeric, country.name, source]
            )
    return len(rows)


if __name__ == "__main__":
    print(f"wrote {build()} countries to {OUTPUT}")
