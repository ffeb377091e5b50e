"""The Chinese catalog is complete, compiled and current; pages are Chinese unless English is chosen.

When a test here fails after you add or change a string, run (from the repository root):

    .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' \
        --ignore 'node_modules/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'test-results/*'
    # translate every empty msgstr / msgstr[0] and remove '#, fuzzy' flags in
    # xiangcun/locale/zh_Hans/LC_MESSAGES/django.po, then:
    .venv/bin/python scripts/compile_messages.py
"""

from __future__ import annotations

import importlib.util
import io
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
LOCALE_DIR = ROOT / "xiangcun" / "locale"
PO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The same directories `make messages` leaves out (plus hidden ones, which makemessages skips by default).
IGNORED_DIRS = {".venv", "node_modules", "var", "bench", "test-results", "__pycache__", "locale"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # what makemessages reads for the "django" domain
HOW_TO_FIX = ("run `make messages` (makemessages -l zh_Hans, see this module's docstring), translate, "
              "then `.venv/bin/python scripts/compile_messages.py`")



def _load_compile_script():
    """scripts/compile_messages.py is not a package module; the test shares its placeholder check."""
    spec = importlib.util.spec_from_file_location("compile_messages", ROOT / "scripts" / "compile_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


placeholders = _load_compile_script().placeholders


def key(entry) -> tuple[str | None, str, str]:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def translation_of(entry):
    if entry.msgid_plural:
        return tuple(sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def describe(keys) -> str:
    return "\n".join(f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid, _plural in sorted(
        keys, key=lambda k: (k[0] or "", k[1])))


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(ROOT)} is missing: {HOW_TO_FIX}"
    return polib.pofile(str(PO_PATH))


def test_catalog_header(catalog):
    assert not catalog.metadata_is_fuzzy, "the .po header is marked '#, fuzzy'; remove that flag"
    assert catalog.metadata.get("Language") == "zh_Hans"
    assert "charset=UTF-8" in catalog.metadata.get("Content-Type", "")
    assert catalog.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_not_fuzzy(catalog):
    fuzzy = [key(e) for e in catalog.fuzzy_entries()]
    untranslated = [key(e) for e in catalog.untranslated_entries()]
    assert not fuzzy, f"fuzzy entries in {PO_PATH.name} (check them, remove '#, fuzzy'):\n{describe(fuzzy)}"
    assert not untranslated, f"untranslated entries in {PO_PATH.name}:\n{describe(untranslated)}"


def test_translations_keep_their_placeholders(catalog):
    wrong = []
    for entry in catalog.translated_entries():
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        expected = placeholders(entry, entry.msgid)
        wrong += [f"  {entry.msgid!r} -> {text!r}" for text in texts if placeholders(entry, text) != expected]
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_compiled_catalog_matches_the_po(catalog):
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(ROOT)} is missing: run .venv/bin/python scripts/compile_messages.py"
    compiled = polib.mofile(str(MO_PATH))
    in_mo = {key(e): translation_of(e) for e in compiled if e.msgid}
    in_po = {key(e): translation_of(e) for e in catalog.translated_entries() if e.msgid}
    missing = in_po.keys() - in_mo.keys()
    extra = in_mo.keys() - in_po.keys()
    changed = {k for k in in_po.keys() & in_mo.keys() if in_po[k] != in_mo[k]}
    problems = [f"{label}:\n{describe(keys)}" for label, keys in
                (("not in the .mo", missing), ("only in the .mo", extra), ("translated differently", changed)) if keys]
    assert not problems, (f"{MO_PATH.name} is stale; run .venv/bin/python scripts/compile_messages.py\n"
                          + "\n".join(problems))
    assert compiled.metadata.get("Plural-Forms") == catalog.metadata.get("Plural-Forms")


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")),
                    reason="GNU gettext (xgettext, msguniq, msgmerge) is not installed; "
                           "cannot check the catalog against the source (apt-get install gettext)")
def test_catalog_holds_every_source_string(catalog, tmp_path, settings, monkeypatch):
    """makemessages runs on a copy of the sources (it writes *.html.py files beside templates) into a copy of the .po.

    Only strings missing from the catalog fail; entries whose source string is gone are harmless (makemessages
    --no-obsolete drops them next time).
    """
    copy = tmp_path / "src"

    def skip(directory, names):
        return [name for name in names
                if (Path(directory, name).is_dir() and (name in IGNORED_DIRS or name.startswith(".")))
                or (Path(directory, name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)]

    shutil.copytree(ROOT, copy, ignore=skip, symlinks=True)
    locale = copy / "locale"
    (locale / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO_PATH, locale / "zh_Hans" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [str(locale)]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0,
                 stdout=io.StringIO(), stderr=io.StringIO())

    fresh = polib.pofile(str(locale / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = {key(e) for e in fresh if not e.obsolete} - {key(e) for e in catalog if not e.obsolete}
    assert not missing, f"source strings missing from {PO_PATH.relative_to(ROOT)}; {HOW_TO_FIX}:\n{describe(missing)}"


def test_gettext_returns_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"
        assert translation.ngettext("%(n)s grid", "%(n)s grids", 3) % {"n": 3} == "3 个网格"
    with translation.override("en"):
        assert translation.gettext("Log out") == "Log out"


@pytest.mark.django_db
def test_pages_are_chinese_whatever_the_browser_asks(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-CN"' in page
    assert "登录" in page
    assert "Log in" not in page


@pytest.mark.django_db
def test_pages_are_english_when_chosen(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="en"' in page
    assert "Log in" in page
    assert "登录" not in page
