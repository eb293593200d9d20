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
    goods = declaration.goods
    text, words = _text_and_words(" ".join([line.description for line in goods]))
    return Case(
        declaration=declaration,
        context=context,
        config=config,
        notification=context.notification(number) if number else None,
        movement=context.movement(movement_id) if movement_id else None,
        total_kg=sum([float(line.net_mass_kg) for line in goods]),
        text=text,
        words=words,
        hs_codes=tuple([line.hs_code for line in goods]),
    )


def _text_and_words(descriptions: str) -> tuple[str, frozenset[str]]:
    """Goods descriptions repeat across a batch (the same goods of the same traders), and
    normalizing one is a tenth to a fifth of screening a declaration: each distinct text is
    normalized once, the last few thousand kept (a plain dict, emptied when full: a text seen
    only once costs a lookup more, about 0.2 µs)."""
    found = _normalized.get(descriptions)
    if found is None:
        if len(_normalized) >= _NORMALIZED_KEPT:
            _normalized.clear()
        text = normalize_text(descriptions)
        found = _normalized[descriptions] = (text, frozenset(text.split()))
    return found


_NORMALIZED_KEPT = 4096
_normalized: dict[str, tuple[str, frozenset[str]]] = {}
