"""One declaration prepared for screening: looked up and normalized once, read by every rule."""

from __future__ import annotations

from dataclasses import dataclass

from app.screening.config import ScreeningConfig, normalize_text
from app.screening.domain import MovementFacts, NotificationFacts, ScreeningContext
from customs_adapters.declaration import CustomsDeclaration


@dataclass(slots=True)
class Case:
    declaration: CustomsDeclaration
    context: ScreeningContext
    config: ScreeningConfig
    notification: NotificationFacts | None
    movement: MovementFacts | None
    total_kg: float
    text: str
    """All goods descriptions, normalized (see ``normalize_text``)."""
    words: frozenset[str]
    hs_codes: tuple[str, ...]


def build_case(
    declaration: CustomsDeclaration, context: ScreeningContext, config: ScreeningConfig
) -> Case:
    number = declaration.notification_number
    movement_id = declaration.movement_id
    text = normalize_text(" ".join(line.description for line in declaration.goods))
    return Case(
        declaration=declaration,
        context=context,
        config=config,
        notification=context.notification(number) if number else None,
        movement=context.movement(movement_id) if movement_id else None,
        total_kg=sum(float(line.net_mass_kg) for line in declaration.goods),
        text=text,
        words=frozenset(text.split()),
        hs_codes=tuple(line.hs_code for line in declaration.goods),
    )
