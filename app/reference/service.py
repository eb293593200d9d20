"""Read access to the code lists and regimes (versioned data files, not database rows)."""

from datetime import date
from typing import cast

from app.core.errors import NotFound
from app.reference.domain import Code, CodeList, ListName, code_list, list_names
from app.reference.schemas import CodeListRead, CodeRead, DeadlineRead, RegimeRead
from app.regimes.domain import all_regimes


def _list(name: str) -> CodeList:
    if name not in list_names():
        raise NotFound(f"No code list {name!r}; the lists are: {', '.join(list_names())}.")
    return code_list(cast(ListName, name))


def _read(code: Code, on: date) -> CodeRead:
    return CodeRead(
        code=code.code,
        title=code.title,
        list_name=code.list_name,
        valid_from=code.valid_from,
        valid_to=code.valid_to,
        in_force=code.in_force(on),
        source=code.source,
        extra=dict(code.extra),
    )


def lists() -> list[CodeListRead]:
    return [CodeListRead(name=n, title=_list(n).title, count=len(_list(n))) for n in list_names()]


def codes(name: str, on: date | None, *, today: date) -> list[CodeRead]:
    """With ``on``, the codes in force that day; without, all of them, marked as of ``today``."""
    return [_read(c, on or today) for c in _list(name).codes(on)]


def code(name: str, value: str, on: date) -> CodeRead:
    found = _list(name).get(value)
    if found is None:
        raise NotFound(f"{value!r} is not in {_list(name).title}.")
    return _read(found, on)


def regimes() -> list[RegimeRead]:
    return [
        RegimeRead(
            code=r.code.value,
            title=r.title,
            source=r.source,
            export_state_consents=r.export_state_consents,
            tacit_transit=r.tacit_transit,
            tacit_import=r.tacit_import,
            max_further_info_requests=r.max_further_info_requests,
            deadlines=[
                DeadlineRead(
                    step=d.step,
                    amount=d.amount,
                    unit=d.unit.value,
                    counted_from=d.counted_from,
                    source=d.source,
                    verified=d.verified,
                )
                for d in r.deadlines.values()
            ],
        )
        for r in all_regimes()
    ]
