"""Every label the pages write exists in English and Simplified Chinese."""

from __future__ import annotations

import re

from app.consents.domain import DecisionStatus
from app.movements.domain import MovementStatus
from app.notifications.domain import Actor, NotificationStatus
from app.regimes.domain import RegimeCode
from app.web.actions import ACTIONS
from app.web.i18n import TEXT, choose_language, translator
from app.web.inspector_pages import CASE_STEPS
from app.web.session import TEMPLATES

#: Every ``action`` that notifications.domain.next_actions can name.
NEXT_ACTIONS = [
    "submit",
    "transmit",
    "acknowledge",
    "decide",
    "answer_info",
    "object",
    "record_contract",
    "record_guarantee",
    "complete",
    "ship",
    "close",
]


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        keys |= set(re.findall(r"(?<![\w.])t\('([\w.\-]+)'\)", path.read_text()))
    return keys


def test_every_literal_key_in_the_templates_is_translated() -> None:
    missing = sorted(_template_keys() - set(TEXT))
    assert not missing


def test_every_value_shown_through_a_prefix_is_translated() -> None:
    expected = (
        [f"status.{s.value}" for s in NotificationStatus]
        + [f"actor.{a.value}" for a in Actor]
        + [f"action.{a}" for a in NEXT_ACTIONS]
        + [f"decision.{d.value}" for d in DecisionStatus]
        + [f"movement.{m.value}" for m in MovementStatus]
        + [f"regime.{r.value}" for r in RegimeCode]
        + [f"done.{name}" for name in ACTIONS]
        + [f"done.case_{name}" for name in CASE_STEPS]
        + [f"verdict.{v}{s}" for v in ("valid", "flagged") for s in ("", "_say")]
        + [f"error.{code}" for code in (400, 401, 403, 404, 409, 422, 503)]
    )
    assert not [key for key in expected if key not in TEXT]


def test_both_languages_are_filled_and_differ_where_words_are_used() -> None:
    for key, (english, chinese) in TEXT.items():
        assert english.strip() and chinese.strip(), key
        if re.search(r"[A-Za-z]{4,}", english) and key.split(".")[0] not in ("actor",):
            assert re.search(r"[\u4e00-\u9fff]", chinese), key


def test_translator_picks_the_language_and_shows_unknown_keys_as_themselves() -> None:
    assert translator("zh")("nav.sign_out") == "退出"
    assert translator("en")("nav.sign_out") == "Sign out"
    assert translator("xx")("nav.sign_out") == "Sign out"
    assert translator("zh")("no.such.key") == "no.such.key"


def test_language_choice_order_query_cookie_accept_language() -> None:
    assert choose_language("zh", "en", "en") == "zh"
    assert choose_language(None, "zh", "en-GB") == "zh"
    assert choose_language("fr", None, "zh-Hans-CN,en;q=0.8") == "zh"
    assert choose_language(None, None, "en;q=0.5, zh-TW;q=0.9") == "zh"
    assert choose_language(None, None, "zh;q=0, en") == "en"
    assert choose_language(None, None, "de-DE,fr;q=0.9") == "en"
    assert choose_language(None, None, None) == "en"
