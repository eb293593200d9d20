"""``screen``: run every enabled rule on one declaration. Reads the context, writes nothing."""

from __future__ import annotations

from functools import lru_cache

from app.screening.case import build_case
from app.screening.config import ScreeningConfig
from app.screening.domain import Flag, ScreeningContext
from app.screening.rules import RULES, Rule
from customs_adapters.declaration import CustomsDeclaration


@lru_cache(maxsize=64)
def active_rules(enabled: frozenset[str]) -> tuple[Rule, ...]:
    """The enabled rules in order, computed once per distinct set of switches."""
    return tuple(rule for rule_id, rule in RULES if rule_id in enabled)


def screen(
    declaration: CustomsDeclaration, context: ScreeningContext, config: ScreeningConfig
) -> list[Flag]:
    case = build_case(declaration, context, config)
    flags: list[Flag] = []
    for rule in active_rules(config.enabled_rules):
        flags.extend(rule(case))
    return flags
