"""What apps declare about themselves, collected without editing a shared file.

Each kind of declaration lives in a module of the same name in every app that has something to declare, and a
:class:`Registry` imports those modules the first time it is read (``autodiscover_modules``, as ``api.py`` is):

| registry | module in an app | what it holds |
|---|---|---|
| ``core.navigation.navigation`` | ``navigation.py`` | menu entries and home tiles, by permission and audience |
| ``core.layers.layers`` | ``layers.py`` | map layers of 乡村一张图 |
| ``core.figures`` | ``figures.py`` | big-screen figures and panels |
| ``core.demo.steps`` | ``demo.py`` | the app's part of ``seed_demo`` |

A new module adds itself to ``INSTALLED_APPS`` and ``urls.py`` and to nothing else shared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from django.utils.module_loading import autodiscover_modules

T = TypeVar("T")

_discovered: set[str] = set()
_lock = threading.RLock()


def discover(module: str) -> None:
    """Import ``<app>.<module>`` of every installed app, once per process."""
    if module in _discovered:
        return
    with _lock:
        if module not in _discovered:
            autodiscover_modules(module)
            _discovered.add(module)


class Registry(Generic[T]):
    """Items keyed by ``item.key``, declared in every app's ``<module>.py`` and read in ``order``.

    Registering the same key twice with another object is a programming error (two apps claiming one menu
    entry, one layer …); registering the same object again is harmless (a module imported twice).
    """

    def __init__(self, module: str, *, sort_key: Callable[[T], object] | None = None) -> None:
        self.module = module
        self._items: dict[str, T] = {}
        self._sort_key = sort_key or (lambda item: (getattr(item, "order", 100), item.key))

    def register(self, item: T) -> T:
        key = item.key
        if key in self._items and self._items[key] is not item and self._items[key] != item:
            raise ValueError(f"{self.module}: {key!r} is registered twice")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        """For tests that register an item of their own."""
        self._items.pop(key, None)

    def discover(self) -> None:
        discover(self.module)

    def all(self) -> list[T]:
        self.discover()
        return sorted(self._items.values(), key=self._sort_key)

    def get(self, key: str) -> T | None:
        self.discover()
        return self._items.get(key)

    def __iter__(self) -> Iterator[T]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())
