"""The demo, each app seeding its own part: ``manage.py seed_demo`` runs the steps the apps register.

An app's ``demo.py`` registers :class:`DemoStep` objects; ``seed_demo`` runs them in ``order`` for one county,
with one seed, and prints what each made. A step may add command-line options of its own (``--households N``)
with :class:`DemoOption`; its ``run`` receives them in :attr:`DemoContext.options`. Steps are idempotent: running
the demo twice adds nothing the first run made.

Order of the platform's steps: the division tree (10), synthetic boundaries and grids (20), facilities (30),
accounts (40), households (50), incidents (60), then figures that read them all (the dashboard, 90).
Income and 务工 (``livelihoods``) and the 低收入人口 register and monitoring cases (``monitoring``) are not steps
of their own: a household is drawn whole in one random stream (its members' work decides who is left behind,
its income band decides the register and the cases), so those apps add their rows inside the households step,
through the ``DemoPart`` each registers in its ``demo.py`` (``households/demo.py`` explains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xiangcun.core.registry import Registry


@dataclass(frozen=True)
class DemoOption:
    """A ``seed_demo`` option a step needs: ``--name`` with a type, a default and a help text."""

    name: str
    type: type = int
    default: Any = None
    help: str = ""


@dataclass
class DemoContext:
    """What every step gets: the county row (after the tree step), its code, the seed, every option's value
    (``--password`` of the accounts step, ``--households`` …), and ``say(line)`` to print progress."""

    county_code: str
    seed: int
    options: dict[str, Any]
    say: Callable[[str], None]
    county: Any = None
    results: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo. ``run(context)`` returns what it made (printed as ``key: result``)."""

    key: str
    run: Callable[[DemoContext], Any]
    order: int = 100
    options: tuple[DemoOption, ...] = ()


steps: Registry[DemoStep] = Registry("demo")


def register(step: DemoStep) -> DemoStep:
    return steps.register(step)


def all_options() -> list[DemoOption]:
    return [option for step in steps.all() for option in step.options]
