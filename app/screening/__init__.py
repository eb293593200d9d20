"""Screening of customs declarations against Basel consents and movements (pure code)."""

from app.screening.config import ScreeningConfig, load_config
from app.screening.domain import (
    Flag,
    InMemoryContext,
    MovementFacts,
    NotificationFacts,
    ScreeningContext,
)
from app.screening.engine import screen

__all__ = [
    "Flag",
    "InMemoryContext",
    "MovementFacts",
    "NotificationFacts",
    "ScreeningConfig",
    "ScreeningContext",
    "load_config",
    "screen",
]
