"""`manage.py startmodule NAME`: a new module with the house skeleton, in the menu, on the map and the big screen.

It renders ``core/scaffold/module/`` (Django's own ``startapp`` machinery, ``TemplateCommand``) into
``xiangcun/NAME/``, adds the app to ``INSTALLED_APPS`` and its pages to ``urls.py`` (the two shared lines a module
touches), writes its first migration, and puts its Chinese names into the catalog. The module passes ``make test``
as generated: its own tests, the scope walk, the i18n checks and ruff. docs/adding-a-module.md is the checklist
of what to change next.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.templates import TemplateCommand

PACKAGE = Path(__file__).resolve().parents[3]  # xiangcun/
SCAFFOLD = PACKAGE / "core" / "scaffold" / "module"
CATALOG = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# The scaffold's own words (its .py files are templates, so makemessages does not see them until a module exists).
SCAFFOLD_MESSAGES = {
    "active": "有效", "closed": "已关闭", "name": "名称", "status": "状态", "notes": "备注", "latitude": "纬度",
    "longitude": "经度", "Search": "搜索", "Region": "区划", "Status": "状态", "Village": "村", "Name": "名称",
    "Notes": "备注", "Latitude": "纬度", "Longitude": "经度", "Add": "新增", "Active": "有效",
    "%(name)s is saved.": "%(name)s 已保存。", "%(name)s is deleted.": "%(name)s 已删除。",
    "Choose a village.": "请选择一个村。",
    "Give both latitude and longitude, or neither.": "请同时填写纬度和经度，或都不填。",
    "The place is not on the earth: latitude within ±90, longitude within ±180.":
        "位置不在地球上：纬度应在 ±90 之间，经度应在 ±180 之间。",
}


def snake(name: str) -> str:
    """PartyBranch → party_branch (the services' <entity>_<verb> names)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


class Command(TemplateCommand):
    help = ("Create a module (an app of xiangcun) with the house skeleton: model on the scoped base, services, "
            "selectors, filterset, forms, pages on the shared views, API, menu entry, screen figure, map layer, demo "
            "and tests; add it to INSTALLED_APPS and urls.py; write its migration and Chinese names.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="the module's name: lowercase letters and underscores (e.g. party)")
        parser.add_argument("--model", help="the model's class name (default: <Name>Record)")
        parser.add_argument("--title", help="the module's English title (default: the name in title case)")
        parser.add_argument("--title-zh", dest="title_zh", help="its Chinese title, the menu's word (e.g. 党建)")
        parser.add_argument("--record-zh", dest="record_zh", help="a record's Chinese name (default: <title>记录)")
        parser.add_argument("--no-migration", action="store_true", help="do not run makemigrations")

    def handle(self, *args, name: str, **options) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,30}", name):
            raise CommandError("The module name is lowercase letters, digits and underscores, e.g. party.")
        target = PACKAGE / name
        if target.exists():
            raise CommandError(f"{target} already exists.")
        label_taken = any(app.split(".")[-1] == name for app in settings.INSTALLED_APPS)
        if label_taken:
            raise CommandError(f"An installed app is already called {name}.")
        model = options.get("model") or f"{camel(name)}Record"
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]+", model):
            raise CommandError("The model name is CamelCase, e.g. PartyBranch.")
        title = options.get("title") or name.replace("_", " ").title()
        title_zh = options.get("title_zh") or title
        record_zh = options.get("record_zh") or f"{title_zh}记录"
        context = {
            "model_name": model, "model_lower": model.lower(), "model_snake": snake(model), "title_en": title,
            "title_zh": title_zh,
            "verbose_en": f"{title} record", "plural_en": f"{title} records", "verbose_zh": record_zh,
            "url_slug": name.replace("_", "-"),
        }
        target.mkdir()
        try:
            # Django replaces "app_name" in paths: templates/app_name/ and tests/test_app_name.py take the name.
            super().handle("app", name, str(target), template=str(SCAFFOLD), extensions=["py"], files=[],
                           verbosity=options.get("verbosity", 1), **context)
        except BaseException:
            import shutil

            shutil.rmtree(target, ignore_errors=True)
            raise
        self.add_to_settings(name)
        self.add_to_urls(name, context["url_slug"])
        self.add_messages({title: title_zh, context["verbose_en"]: record_zh, context["plural_en"]: record_zh,
                           **SCAFFOLD_MESSAGES})
        if not options.get("no_migration"):
            subprocess.run([sys.executable, str(PACKAGE.parent / "manage.py"), "makemigrations", name], check=True,
                           cwd=PACKAGE.parent)
        # Names of any length: ruff sorts the imports and wraps the lines (a dev dependency; without it the module
        # works the same, only the layout differs).
        for command in (["check", "--fix", "--quiet", "--select", "I"], ["format", "--quiet"]):
            subprocess.run([sys.executable, "-m", "ruff", *command, str(target)], check=False, cwd=PACKAGE.parent,
                           capture_output=True)
        slug = context["url_slug"]
        self.stdout.write(f"Module {name} is made in {target.relative_to(PACKAGE.parent)}: model {model}, pages "
                          f"/{slug}/, API /api/v1/{slug}/. Next: `manage.py migrate`, then docs/adding-a-module.md.")

    @staticmethod
    def add_to_settings(name: str) -> None:
        path = PACKAGE / "settings.py"
        text = path.read_text(encoding="utf-8")
        anchor = '    "xiangcun.dashboard",\n'  # the dashboard reads the other apps: it stays last
        if anchor not in text:
            raise CommandError(f'{path} has no line {anchor.strip()!r} to add the module before.')
        path.write_text(text.replace(anchor, f'    "xiangcun.{name}",\n{anchor}', 1), encoding="utf-8")

    @staticmethod
    def add_to_urls(name: str, slug: str) -> None:
        path = PACKAGE / "urls.py"
        text = path.read_text(encoding="utf-8")
        anchor = '    path("", include("xiangcun.dashboard.urls")),\n'
        if anchor not in text:
            raise CommandError(f"{path} has no dashboard line to add the module's pages before.")
        line = f'    path("{slug}/", include("xiangcun.{name}.urls")),\n'
        path.write_text(text.replace(anchor, line + anchor, 1), encoding="utf-8")

    @staticmethod
    def add_messages(messages: dict[str, str]) -> None:
        """Append the catalog entries that are missing (the file is left as it is otherwise), then compile it."""
        import polib

        known = {entry.msgid for entry in polib.pofile(str(CATALOG)) if not entry.msgctxt}
        added = []
        for msgid, msgstr in messages.items():
            if msgid not in known:
                flags = "#, python-format\n" if "%(" in msgid else ""
                added.append(f'\n{flags}msgid "{escape(msgid)}"\nmsgstr "{escape(msgstr)}"\n')
        if added:
            with CATALOG.open("a", encoding="utf-8") as catalog:
                catalog.write("".join(added))
        subprocess.run([sys.executable, str(PACKAGE.parent / "scripts" / "compile_messages.py")], check=True)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
