"""Screening configuration, read from data files so an authority tunes rules without code.

``data/rules.json`` holds switches, severities, tolerances and keyword lists; the HS headings
that signal hazardous waste come from the reference list ``hs_waste_headings.csv`` (filtered by
the waste streams named in rules.json). Everything is precompiled here once — keyword sets,
HS prefix sets — so that screening a declaration is dictionary and set lookups only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import InvalidInput
from app.screening.domain import SEVERITIES, Flag, Severity

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_RULES = DATA_DIR / "rules.json"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
RULE_IDS = tuple(f"S{n:02d}" for n in range(1, 16))

_PUNCTUATION = str.maketrans({ch: " " for ch in "-_/\\.,;:!?()[]{}'\"+*&#%|<>="})


def normalize_text(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces, padded with one space on each side."""
    return " " + " ".join(text.lower().translate(_PUNCTUATION).split()) + " "


def hs_digits(code: str) -> str:
    return code.replace(".", "").replace(" ", "")


@dataclass(frozen=True, slots=True)
class KeywordSet:
    """Single words are found by set intersection, phrases by substring on normalized text."""

    words: frozenset[str]
    phrases: tuple[str, ...]
    phrase_heads: frozenset[str]
    """The first word of every phrase: a text without any of them holds no phrase either."""

    @classmethod
    def of(cls, keywords: Iterable[str]) -> KeywordSet:
        words: set[str] = set()
        phrases: list[str] = []
        for keyword in keywords:
            normalized = normalize_text(keyword)
            if normalized.count(" ") == 2:
                words.add(normalized.strip())
            else:
                phrases.append(normalized)
        heads = frozenset(phrase.split()[0] for phrase in phrases)
        return cls(frozenset(words), tuple(phrases), heads)

    def found(self, text: str, words: frozenset[str]) -> list[str]:
        """Keywords present in ``text`` (normalized) whose word set is ``words``."""
        hits = sorted(self.words & words)
        if not self.phrase_heads.isdisjoint(words):
            hits.extend(p.strip() for p in self.phrases if p in text)
        return hits


@dataclass(frozen=True, slots=True)
class RuleSetting:
    enabled: bool
    severity: Severity
    params: dict[str, Any]


@dataclass(frozen=True)
class ScreeningConfig:
    rules: dict[str, RuleSetting]
    hazardous_hs: frozenset[str]
    """HS headings (4 digits) and subheadings (6 digits) typical of hazardous waste."""
    hazardous_keywords: KeywordSet
    misdeclaration_keywords: KeywordSet
    waste_keywords: KeywordSet
    basel_hs_hints: dict[str, tuple[str, ...]]
    quantity_tolerance: float
    mass_tolerance_ratio: float
    mass_tolerance_kg: float
    arrival_days: int
    valid_statuses: frozenset[str]

    enabled_rules: frozenset[str]

    def flag(self, rule_id: str, explanation: str, **evidence: Any) -> Flag:
        return Flag(rule_id, self.rules[rule_id].severity, explanation, evidence)

    def is_hazardous_hs(self, code: str) -> bool:
        return code[:4] in self.hazardous_hs or code[:6] in self.hazardous_hs


def _rule_setting(rule_id: str, raw: dict[str, Any]) -> RuleSetting:
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise InvalidInput.on(
            f"rules.{rule_id}.severity",
            "known-severity",
            f"rule {rule_id}: severity '{severity}' is not one of {', '.join(SEVERITIES)}",
            source="app/screening/data/rules.json",
        )
    return RuleSetting(bool(raw.get("enabled", True)), severity, raw)


def load_hazardous_hs(csv_path: Path, streams: Iterable[str]) -> frozenset[str]:
    wanted = set(streams)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return frozenset(
            hs_digits(row["code"])
            for row in csv.DictReader(handle)
            if row["waste_stream"] in wanted
        )


def load_config(
    path: Path | str | None = None, hs_headings: Path | str | None = None
) -> ScreeningConfig:
    """Read ``rules.json`` (default: the packaged one) and the HS waste headings it names."""
    rules_path = Path(path) if path else DEFAULT_RULES
    raw = json.loads(rules_path.read_text(encoding="utf-8"))
    missing = [rule_id for rule_id in RULE_IDS if rule_id not in raw.get("rules", {})]
    if missing:
        raise InvalidInput.on(
            "rules",
            "all-rules-configured",
            f"{rules_path} lacks settings for rules {', '.join(missing)}",
            source=str(rules_path),
        )
    rules = {rule_id: _rule_setting(rule_id, raw["rules"][rule_id]) for rule_id in RULE_IDS}
    p = {rule_id: setting.params for rule_id, setting in rules.items()}
    headings = Path(hs_headings) if hs_headings else PROJECT_ROOT / raw["hs_waste_headings"]
    hints = {
        code: tuple(hs_digits(h) for h in headings_)
        for code, headings_ in p["S08"].get("basel_hs_hints", {}).items()
        if not code.startswith("_")
    }
    return ScreeningConfig(
        rules=rules,
        enabled_rules=frozenset(rule_id for rule_id, s in rules.items() if s.enabled),
        hazardous_hs=load_hazardous_hs(headings, p["S01"]["hazardous_waste_streams"]),
        hazardous_keywords=KeywordSet.of(p["S01"]["keywords"]),
        misdeclaration_keywords=KeywordSet.of(p["S08"]["misdeclaration_keywords"]),
        waste_keywords=KeywordSet.of(p["S08"]["waste_keywords"]),
        basel_hs_hints=hints,
        quantity_tolerance=float(p["S04"]["tolerance_ratio"]),
        mass_tolerance_ratio=float(p["S10"]["tolerance_ratio"]),
        mass_tolerance_kg=float(p["S10"]["tolerance_kg"]),
        arrival_days=int(p["S14"]["days"]),
        valid_statuses=frozenset(p["S02"]["valid_statuses"]),
    )
