"""The PIC steps from a filed notification to 'consented', as (who, step, body) triples.

Shared by the fault tests and the load test, which walk them one request at a time (the steps
of ``tests.factories.consented_notification``, minus the filing, so that callers choose the
notification's content and may stop between steps).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.demo import DemoWorld
from tests.factories import consent_body, lead_acid_notification


def consent_steps(world: DemoWorld) -> list[tuple[str, str, Any]]:
    """Submit, transmit, acknowledge, both consents, contract, guarantee: in this order."""
    return [
        ("exporter_my", "submit", None),
        ("authority_my", "transmit", None),
        ("authority_kr", "acknowledge", None),
        ("authority_sg", "consent", consent_body()),
        ("authority_kr", "consent", consent_body()),
        ("exporter_my", "contract", {"reference": "C-1", "concluded_on": date.today().isoformat()}),
        ("exporter_my", "guarantee", lead_acid_notification(world)["guarantee"]),
    ]
