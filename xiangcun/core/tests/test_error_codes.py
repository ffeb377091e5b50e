"""Every code a service refuses with is a member of an error-code enum, never a free string.

The API's ``code`` field is a contract with clients; a code typed by hand in one ``raise`` drifts from the
others ("case_exists" here, "case_exist" there). This reads the sources: each ``ServiceError(...)`` /
``OutOfScope(...)`` call names its code as ``<Enum>.<MEMBER>`` of an enum imported from an ``errors`` module,
or passes through a parameter of a helper (``_field_error(message, field, code)``), and then every call of that
helper in the module names a member.
"""

from __future__ import annotations

import ast
import enum
import importlib
from pathlib import Path

import pytest

import xiangcun
from xiangcun.core.errors import CoreErrorCode, ServiceError

ROOT = Path(xiangcun.__file__).parent
ERROR_CLASSES = {"ServiceError", "OutOfScope"}


def _sources() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py")
                  if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.parts)


def _enums_imported(tree: ast.Module) -> dict[str, type[enum.StrEnum]]:
    """Local name → enum class, for ``from xiangcun.<app>.errors import ErrorCode [as X]`` in this module."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("errors"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(module, alias.name)
                if isinstance(value, type) and issubclass(value, enum.StrEnum):
                    found[alias.asname or alias.name] = value
        if isinstance(node, ast.ClassDef) and any(getattr(base, "attr", getattr(base, "id", "")) == "StrEnum"
                                                  for base in node.bases):
            found[node.name] = None  # defined here: resolved below
    return found


def _is_member(node: ast.expr | None, enums: dict, module_name: str) -> bool:
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in enums):
        return False
    enum_class = enums[node.value.id] or getattr(importlib.import_module(module_name), node.value.id)
    return node.attr in enum_class.__members__


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _code_argument(call: ast.Call, position: int | None, keyword: str) -> tuple[bool, ast.expr | None]:
    """(given, expression) of the code argument of ``call``."""
    for item in call.keywords:
        if item.arg == keyword:
            return True, item.value
    if position is not None and len(call.args) > position:
        return True, call.args[position]
    return False, None


def _problems(path: Path) -> list[str]:
    module_name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    return [f"{module_name}:{line}: {problem}" for line, problem in _problems_in(path.read_text(encoding="utf-8"),
                                                                               module_name)]


def _problems_in(text: str, module_name: str) -> list[tuple[int, str]]:
    """(line, what is wrong) for every code in ``text`` that is not an error-code member."""
    tree = ast.parse(text)
    enums = _enums_imported(tree)
    problems: list[tuple[int, str]] = []
    forwarders: dict[str, tuple[int | None, str]] = {}  # helper name → (position, name) of its code parameter
    forwarded: set[int] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        names = {argument.arg for argument in [*positional, *arguments.kwonlyargs]}
        for call in ast.walk(function):
            if isinstance(call, ast.Call) and _called_name(call) in ERROR_CLASSES:
                given, value = _code_argument(call, None, "code")
                if given and isinstance(value, ast.Name) and value.id in names:
                    forwarded.add(id(value))
                    position = next((i for i, a in enumerate(positional) if a.arg == value.id), None)
                    forwarders[function.name] = (position, value.id)
                    defaults = dict(zip([a.arg for a in positional][-len(arguments.defaults):] if arguments.defaults
                                        else [], arguments.defaults, strict=False))
                    defaults |= {a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
                                 if d is not None}
                    if value.id in defaults and not _is_member(defaults[value.id], enums, module_name):
                        problems.append((function.lineno, f"the default of {function.name}'s {value.id} "
                                                          "is not an error-code member"))
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = _called_name(call)
        if name in ERROR_CLASSES:
            given, value = _code_argument(call, None, "code")
        elif name in forwarders:
            given, value = _code_argument(call, *forwarders[name])
        else:
            continue
        if given and id(value) not in forwarded and not _is_member(value, enums, module_name):
            problems.append((call.lineno, f"{name}(code={ast.unparse(value)}) is not an error-code member"))
    return sorted(problems)


def test_every_code_a_service_refuses_with_is_a_member_of_an_error_code_enum():
    problems = [problem for path in _sources() for problem in _problems(path)]
    assert problems == []


def test_the_scan_catches_a_free_string():
    source = (
        "from xiangcun.core.errors import CoreErrorCode, ServiceError\n"
        "def _error(message, field, code=CoreErrorCode.INVALID):\n"
        "    return ServiceError(message, code=code, field=field)\n"
        "def a():\n    raise ServiceError('x', code='case_exists')\n"
        "def b():\n    raise _error('x', 'field', 'too_many')\n"
        "def c():\n    raise ServiceError('x', code=CoreErrorCode.NOT_A_MEMBER)\n"
        "def d():\n    raise _error('x', 'field', CoreErrorCode.INVALID)\n"
        "def e(code='free'):\n    raise ServiceError('x', code=code)\n"
    )
    assert _problems_in(source, "xiangcun.core.example") == [
        (5, "ServiceError(code='case_exists') is not an error-code member"),
        (7, "_error(code='too_many') is not an error-code member"),
        (9, "ServiceError(code=CoreErrorCode.NOT_A_MEMBER) is not an error-code member"),
        (12, "the default of e's code is not an error-code member"),
    ]


@pytest.mark.parametrize("member", list(CoreErrorCode))
def test_a_code_reads_as_the_string_it_always_was(member):
    error = ServiceError("refused", code=member)
    assert error.code == member.value
    assert f"{error.code}" == member.value
