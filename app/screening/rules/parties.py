"""Rules on who ships and carries the waste (S07, S11, S12)."""

from __future__ import annotations

from collections.abc import Iterable

from app.screening.case import Case
from app.screening.domain import Flag, PartyKeys, party_key, party_keys
from customs_adapters.declaration import Trader


def same_party(trader: Trader, name: str, identifier: str | None, keys: PartyKeys) -> bool:
    """Same identifier when both sides have one, otherwise same name (case, punctuation aside).
    ``keys`` are the notified party's, precomputed; equal text needs no key at all."""
    if trader.identifier and identifier:
        return trader.identifier == identifier or party_key(trader.identifier) == keys.identifier
    return trader.name == name or party_key(trader.name) == keys.name


def s07_parties_differ(case: Case) -> Iterable[Flag]:
    notification = case.notification
    if notification is None:
        return ()
    d = case.declaration
    checks = (
        (
            "consignor",
            d.consignor,
            "notifier",
            notification.notifier_name,
            notification.notifier_id,
            notification.notifier_keys,
        ),
        (
            "consignee",
            d.consignee,
            "consignee",
            notification.consignee_name,
            notification.consignee_id,
            notification.consignee_keys,
        ),
    )
    return [
        case.config.flag(
            "S07",
            f"Declared {role} '{trader.name}' ({trader.identifier or 'no id'}) is not the "
            f"{notified_role} of notification {notification.number}, '{name}' "
            f"({identifier or 'no id'}).",
            role=role,
            declared={"name": trader.name, "identifier": trader.identifier},
            notified={"name": name, "identifier": identifier},
        )
        for role, trader, notified_role, name, identifier, keys in checks
        if not same_party(trader, name, identifier, keys)
    ]


def s11_carrier_not_notified(case: Case) -> Iterable[Flag]:
    notification, carrier = case.notification, case.declaration.carrier
    if notification is None or not carrier or not notification.carriers:
        return ()
    if carrier in notification.carriers or party_key(carrier) in notification.carrier_keys:
        return ()
    return (
        case.config.flag(
            "S11",
            f"Carrier '{carrier}' is not among the carriers notified for notification "
            f"{notification.number} ({', '.join(notification.carriers)}).",
            carrier=carrier,
            notified_carriers=list(notification.carriers),
        ),
    )


def s12_known_offender(case: Case) -> Iterable[Flag]:
    offenders = case.context.illegal_traffic_parties
    if not offenders:
        return ()
    d = case.declaration
    c, e, a = d.consignor, d.consignee, d.declarant
    texts = [t for t in (c.name, c.identifier, e.name, e.identifier, a.name, a.identifier) if t]
    if offenders.isdisjoint(party_keys([*texts, d.carrier] if d.carrier else texts)):
        return ()  # the usual answer, found with every key computed in one pass
    named: list[tuple[str, str, str | None]] = [
        (role, trader.name, trader.identifier)
        for role, trader in (
            ("consignor", d.consignor),
            ("consignee", d.consignee),
            ("declarant", d.declarant),
        )
    ]
    if d.carrier:
        named.append(("carrier", d.carrier, None))
    return [
        case.config.flag(
            "S12",
            f"The {role} '{name}' has previously confirmed illegal traffic on record.",
            role=role,
            name=name,
            identifier=identifier,
        )
        for role, name, identifier in named
        if party_key(name) in offenders or (identifier and party_key(identifier) in offenders)
    ]
