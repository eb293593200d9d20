"""Rules on what the goods are and how much they weigh (S08, S10)."""

from __future__ import annotations

from collections.abc import Iterable

from app.screening.case import Case
from app.screening.domain import Flag


def fits(code: str, headings: tuple[str, ...]) -> bool:
    """A declared code fits a heading when one is a prefix of the other (8549 ~ 854911)."""
    return code.startswith(headings) or any(h.startswith(code) for h in headings)


def s08_misdeclared_goods(case: Case) -> Iterable[Flag]:
    notification = case.notification
    if notification is None:
        return ()
    config, flags = case.config, []
    disguise = config.misdeclaration_keywords.found(case.text, case.words)
    if (
        notification.hazardous
        and disguise
        and not config.waste_keywords.found(case.text, case.words)
        and not config.hazardous_keywords.found(case.text, case.words)
    ):
        flags.append(
            config.flag(
                "S08",
                f"Goods described with {', '.join(repr(k) for k in disguise)} and no mention of "
                f"waste, while notification {notification.number} covers hazardous waste "
                f"({', '.join(notification.waste_codes)}).",
                keywords=disguise,
                waste_codes=list(notification.waste_codes),
            )
        )
    notified = notification.hs_codes
    hinted = (
        ()
        if notified  # the hint is read only when no HS code was notified
        else tuple(h for w in notification.waste_codes for h in config.basel_hs_hints.get(w, ()))
    )
    expected = notified or hinted
    misfits = [code for code in case.hs_codes if expected and not fits(code, expected)]
    if misfits and notified:
        flags.append(
            config.flag(
                "S08",
                f"Declared HS code {', '.join(misfits)} does not match the HS code notified "
                f"under notification {notification.number} ({', '.join(notified)}).",
                declared_hs=misfits,
                notified_hs=list(notified),
            )
        )
    elif misfits:
        flags.append(
            config.flag(
                "S08",
                f"Declared HS code {', '.join(misfits)} is not among the headings usually used "
                f"for the notified waste {', '.join(notification.waste_codes)} "
                f"({', '.join(hinted)}); this HS-Basel mapping is a hint only, check the goods.",
                declared_hs=misfits,
                hinted_hs=list(hinted),
                waste_codes=list(notification.waste_codes),
            )
        )
    return flags


def s10_mass_differs(case: Case) -> Iterable[Flag]:
    movement = case.movement
    if movement is None:
        return ()
    config = case.config
    difference = case.total_kg - movement.quantity_kg
    allowed = max(movement.quantity_kg * config.mass_tolerance_ratio, config.mass_tolerance_kg)
    if abs(difference) <= allowed:
        return ()
    return (
        config.flag(
            "S10",
            f"Declared net mass {case.total_kg:,.0f} kg differs by {difference:+,.0f} kg from "
            f"the {movement.quantity_kg:,.0f} kg on movement document {movement.movement_id} "
            f"(tolerance {allowed:,.0f} kg).",
            declared_kg=case.total_kg,
            movement_kg=movement.quantity_kg,
            difference_kg=difference,
            tolerance_kg=allowed,
        ),
    )
