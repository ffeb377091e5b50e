#!/usr/bin/env python
"""Compile every xiangcun/locale/*/LC_MESSAGES/django.po to django.mo with polib (no GNU gettext needed).

`make messages` runs this after `manage.py makemessages`. A catalog with untranslated or fuzzy entries,
or a translation whose %(name)s / {n} placeholders differ from the English, is not compiled: the script
names each such entry and exits with status 1, so the gap is fixed before the .mo is committed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("polib is missing: run `.venv/bin/python -m pip install -e '.[dev]'` (or `make messages`).")

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "xiangcun" / "locale"

PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def placeholders(entry: polib.POEntry, text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    if "python-format" in entry.flags:
        found.update(p for p in PERCENT_PLACEHOLDER.findall(text) if p != "%%")
    if "python-brace-format" in entry.flags:
        found.update(BRACE_PLACEHOLDER.findall(text))
    return found


def problems(po: polib.POFile) -> list[str]:
    """Why this catalog must not be compiled; empty when it is complete."""
    found = []
    if po.metadata_is_fuzzy:
        found.append("the header is marked fuzzy (remove the '#, fuzzy' line above msgid \"\")")
    for entry in po:
        if entry.obsolete:
            continue
        where = f"line {entry.linenum}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy — {where} (check the translation, then remove the '#, fuzzy' flag)")
        elif not entry.translated():
            found.append(f"untranslated — {where}")
        else:
            expected = placeholders(entry, entry.msgid)
            translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for text in translations:
                if placeholders(entry, text) != expected:
                    found.append(f"placeholders differ — {where}: msgstr {text!r}")
    return found


def main() -> int:
    catalogs = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
    if not catalogs:
        print(f"No catalogs under {LOCALE_DIR.relative_to(ROOT)}; run `manage.py makemessages` first.",
              file=sys.stderr)
        return 1
    failed = 0
    for path in catalogs:
        rel = path.relative_to(ROOT)
        po = polib.pofile(str(path))
        found = problems(po)
        if found:
            failed += 1
            print(f"NOT compiled {rel}: {len(found)} entries need work:", file=sys.stderr)
            for problem in found:
                print(f"  {problem}", file=sys.stderr)
            continue
        mo_path = path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        print(f"compiled {rel} -> {mo_path.name} ({len(po.translated_entries())} messages)")
    if failed:
        print(f"{failed} catalog(s) incomplete: translate the entries above (msgstr, and msgstr[0] for plurals), "
              "remove '#, fuzzy' flags, then run scripts/compile_messages.py again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
