"""Group commit, on a bare batch function (no database): who waits, who shares, who hears what."""

import asyncio
import threading

import pytest

from app.core.group_commit import GroupCommit


class Recorder:
    """A batch function that takes a while, notes every batch it was given and how many ran at
    once, and fails an item named "bad" (as a scan by a non-customs caller would)."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.inside = 0
        self.peak = 0
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, items: list[str]) -> list[str | Exception]:
        with self.lock:
            self.batches.append(items)
            self.inside += 1
            self.peak = max(self.peak, self.inside)
        self.release.wait(5)
        with self.lock:
            self.inside -= 1
        return [ValueError(f"no {item}") if item == "bad" else item.upper() for item in items]


async def _gather(group: GroupCommit[str, str], items: list[str]) -> list[str | BaseException]:
    return await asyncio.gather(*(group.submit(item) for item in items), return_exceptions=True)


def test_items_that_queue_while_a_batch_runs_share_the_next_one() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder, at_once=1, max_batch=16)

    async def scenario() -> list[str | BaseException]:
        recorder.release.clear()
        first = asyncio.ensure_future(group.submit("a"))
        await asyncio.sleep(0.05)  # "a" is running; the next ones queue behind it
        rest = asyncio.ensure_future(_gather(group, ["b", "c", "d"]))
        await asyncio.sleep(0.05)
        recorder.release.set()
        return [await first, *(await rest)]

    assert asyncio.run(scenario()) == ["A", "B", "C", "D"]
    assert recorder.batches == [["a"], ["b", "c", "d"]]


def test_at_most_at_once_batches_run_and_no_batch_exceeds_max_batch() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder, at_once=2, max_batch=3)

    async def scenario() -> list[str | BaseException]:
        recorder.release.clear()
        answers = asyncio.ensure_future(_gather(group, [f"item{i}" for i in range(10)]))
        await asyncio.sleep(0.05)
        recorder.release.set()
        return await answers

    items = [f"item{i}" for i in range(10)]
    assert asyncio.run(scenario()) == [item.upper() for item in items]
    assert recorder.peak == 2
    assert max(len(batch) for batch in recorder.batches) == 3
    assert sorted(item for batch in recorder.batches for item in batch) == sorted(items)


def test_an_item_that_fails_fails_only_its_own_caller() -> None:
    group = GroupCommit(Recorder(), at_once=1, max_batch=16)
    answers = asyncio.run(_gather(group, ["a", "bad", "c"]))
    assert answers[0] == "A" and answers[2] == "C"
    assert isinstance(answers[1], ValueError) and str(answers[1]) == "no bad"


def test_a_batch_that_fails_as_a_whole_tells_each_caller_and_later_batches_still_run() -> None:
    release = threading.Event()

    def commit_fails_for_b(items: list[str]) -> list[str | Exception]:
        release.wait(5)
        if "b" in items:
            raise ConnectionError("the database went away at commit")
        return [item.upper() for item in items]

    group = GroupCommit(commit_fails_for_b, at_once=1, max_batch=16)

    async def scenario() -> tuple[list[str | BaseException], str]:
        first = asyncio.ensure_future(group.submit("a"))
        await asyncio.sleep(0.05)  # "a" is running; "b" and "c" queue and share the next batch
        failing = asyncio.ensure_future(_gather(group, ["b", "c"]))
        await asyncio.sleep(0.05)
        release.set()
        return [await first, *(await failing)], await group.submit("d")

    answers, later = asyncio.run(scenario())
    assert answers[0] == "A"
    assert all(isinstance(answer, ConnectionError) for answer in answers[1:])
    assert later == "D"


def test_works_in_one_event_loop_after_another() -> None:
    """uvicorn runs one loop per process, but tests drive one app from several loops."""
    group = GroupCommit(Recorder(), at_once=1, max_batch=4)
    assert asyncio.run(_gather(group, ["a"])) == ["A"]
    assert asyncio.run(_gather(group, ["b", "c"])) == ["B", "C"]


@pytest.mark.parametrize("at_once", [1, 3])
def test_a_caller_that_goes_away_does_not_stop_the_others(at_once: int) -> None:
    recorder = Recorder()
    group = GroupCommit(recorder, at_once=at_once, max_batch=16)

    async def scenario() -> list[str | BaseException]:
        recorder.release.clear()
        gone = asyncio.ensure_future(group.submit("gone"))
        staying = asyncio.ensure_future(_gather(group, ["x", "y"]))
        await asyncio.sleep(0.05)
        gone.cancel()
        recorder.release.set()
        return await staying

    assert asyncio.run(scenario()) == ["X", "Y"]
