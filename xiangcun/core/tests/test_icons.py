"""Icons are vendored inline SVG, never emoji (an emoji shows as an empty box without an emoji font)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

import xiangcun
from xiangcun.core.templatetags.icons import ICON_DIR

ROOT = Path(xiangcun.__file__).resolve().parent
# Emoji and the dingbats and symbols that are drawn as emoji (★ ✓ ☎ ⚠ …), as characters or as HTML entities.
EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]|&#(?:x(?:1F[3-9A-F][0-9A-F]{2}|2[67][0-9A-F]{2})"
                   r"|(?:12[789]\d\d\d|129[0-9]\d\d|9[7-9]\d\d|10[01]\d\d));", re.I)
ICON_USE = re.compile(r"""\{%\s*icon\s+["']([^"']+)["']""")


def sources(*suffixes: str) -> list[Path]:
    """The platform's own sources that people see the output of: not vendored files, tests or migrations."""
    return [path for path in ROOT.rglob("*") if path.suffix in suffixes
            and not {"vendor", "tests", "migrations", "__pycache__"} & set(path.relative_to(ROOT).parts)]


def test_no_emoji_in_templates_scripts_and_python_strings():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
             for path in sources(".html", ".py", ".js", ".css")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if EMOJI.search(line)]
    assert not found, "emoji used as icons; use {% icon %} (core/templatetags/icons.py) instead:\n" + "\n".join(found)


def test_the_icon_tag_renders_an_inline_svg():
    html = Template('{% load icons %}<b>{% icon "camera" %}</b>').render(Context())
    assert re.fullmatch(r'<b><svg xmlns="http://www\.w3\.org/2000/svg" class="icon" [^>]*aria-hidden="true"[^>]*>'
                        r"(<path [^>]*/>\s*)+</svg></b>", html), html
    assert 'viewBox="0 0 24 24"' in html and 'stroke="currentColor"' in html


def test_a_labelled_icon_is_an_image_with_its_name_and_classes_are_escaped():
    html = Template('{% load icons %}{% icon "star-filled" label=label class=css %}').render(
        Context({"label": '5 "stars"', "css": "text-yellow"}))
    assert 'role="img" aria-label="5 &quot;stars&quot;"' in html and 'class="icon text-yellow"' in html
    assert 'fill="currentColor"' in html and "aria-hidden" not in html


def test_an_unknown_icon_is_an_error_not_an_empty_space():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load icons %}{% icon "no-such-icon" %}').render(Context())
    with pytest.raises(TemplateSyntaxError):
        Template('{% load icons %}{% icon "../LICENSE" %}').render(Context())


def test_every_icon_the_templates_use_is_vendored_with_its_licence():
    used = {name for path in sources(".html") for name in ICON_USE.findall(path.read_text(encoding="utf-8"))}
    assert used, "no template uses {% icon %}"
    missing = sorted(name for name in used if not (ICON_DIR / f"{name}.svg").is_file())
    assert not missing, f"icons used but not vendored (add them to scripts/vendor.mjs): {missing}"
    assert (ICON_DIR / "LICENSE").is_file()
    assert "tabler-icons\t@tabler/icons\t" in (ICON_DIR.parent / "VERSIONS.txt").read_text()
