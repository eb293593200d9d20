"""One value per running event loop.

Why: asyncio objects (a semaphore, a future) bind themselves to the loop that first uses them and
fail in any other. uvicorn runs one loop per process, but one app may be driven by one loop after
another (each TestClient brings its own), so state of that kind is kept per loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LoopLocal(Generic[T]):
    """``.get()`` returns the running loop's value, made by ``make()`` on the loop's first call."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T]
        self._by_loop = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        value = self._by_loop.get(loop)
        if value is None:
            value = self._by_loop[loop] = self._make()
        return value
