"""The case workflow as a transition table plus a guard (pure)."""

from __future__ import annotations

from enum import StrEnum

from app.core.errors import InvalidTransition


class CaseStatus(StrEnum):
    OPEN = "open"
    UNDER_INVESTIGATION = "under_investigation"
    CONFIRMED = "confirmed"  # illegal traffic confirmed (Basel Art. 9)
    CLEARED = "cleared"  # false positive, with a reason


class CaseEvent(StrEnum):
    INVESTIGATE = "investigate"
    CONFIRM = "confirm"
    CLEAR = "clear"
    REOPEN = "reopen"


TRANSITIONS = {
    (CaseStatus.OPEN, CaseEvent.INVESTIGATE): CaseStatus.UNDER_INVESTIGATION,
    (CaseStatus.OPEN, CaseEvent.CLEAR): CaseStatus.CLEARED,
    (CaseStatus.UNDER_INVESTIGATION, CaseEvent.CONFIRM): CaseStatus.CONFIRMED,
    (CaseStatus.UNDER_INVESTIGATION, CaseEvent.CLEAR): CaseStatus.CLEARED,
    (CaseStatus.CLEARED, CaseEvent.REOPEN): CaseStatus.UNDER_INVESTIGATION,
}
CLOSED = frozenset({CaseStatus.CONFIRMED, CaseStatus.CLEARED})

#: Basel Art. 9(1): the grounds on which a movement is illegal traffic.
ART9_GROUNDS = {
    "a": "without notification to all States concerned",
    "b": "without the consent of a State concerned",
    "c": "with consent obtained by falsification, misrepresentation or fraud",
    "d": "that does not conform in a material way with the documents",
    "e": "that results in deliberate disposal in contravention of the Convention",
}
#: Art. 9(2)-(4): who must act. The exporter at fault → take-back by the state of export
#: within 30 days; the importer → disposal by the state of import within 30 days.
RESPONSIBLE = {"exporter": "take_back", "importer": "dispose_in_import_state", "both": "cooperate"}


def transition(status: CaseStatus, event: CaseEvent) -> CaseStatus:
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s == status) or ["none"]
        raise InvalidTransition(
            f"A case that is {status.value.replace('_', ' ')} cannot {event.value}; allowed now: "
            f"{', '.join(allowed)}.",
            rule="case.transition",
        ) from None
