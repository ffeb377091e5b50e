"""``manage.py import_regions DIR [--root CODE]``: import the national division files (统计用区划代码)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiangcun.core.errors import ServiceError
from xiangcun.regions.importing import DivisionFilesInvalid, load_units
from xiangcun.regions.services import LevelCounts, region_import_tree

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import the administrative tree from the national division files in DIR (provinces, cities, areas, "
        "streets, villages; .csv or .csv.gz). Every row is checked first: on any error nothing is imported. "
        "Running it again renames changed units and creates nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR", help="folder holding the division files")
        parser.add_argument(
            "--root", metavar="CODE",
            help="import only the units under this code (e.g. 623023 for 舟曲县), plus its ancestors",
        )

    def handle(self, *args, directory: str, root: str | None, **options) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] >= 1
        try:
            units = load_units(Path(directory), root=root)
        except DivisionFilesInvalid as exc:
            for error in exc.errors[:ERRORS_SHOWN]:
                self.stderr.write(str(error))
            if len(exc.errors) > ERRORS_SHOWN:
                self.stderr.write(_("… and %(count)d more.") % {"count": len(exc.errors) - ERRORS_SHOWN})
            raise CommandError(
                ngettext("%(count)d error in the division files; nothing was imported. Fix it and run again.",
                         "%(count)d errors in the division files; nothing was imported. Fix them and run again.",
                         len(exc.errors)) % {"count": len(exc.errors)}
            ) from None
        if verbose:
            self.stderr.write(_("Read and checked %(count)d units in %(seconds).1f s; writing …")
                              % {"count": len(units), "seconds": time.perf_counter() - started})

        def progress(counts: LevelCounts) -> None:
            if verbose:
                self.stderr.write(_("  %(level)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged "
                                    "(%(seconds).1f s)") % {**self._counts(counts),
                                                            "seconds": time.perf_counter() - started})

        try:
            result = region_import_tree(actor=None, units=units, progress=progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        elapsed = time.perf_counter() - started
        if not verbose:
            return
        for counts in result.levels.values():
            self.stdout.write(_("%(level)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                              % self._counts(counts))
        self.stdout.write(self.style.SUCCESS(
            _("Imported %(total)d units (%(created)d created, %(updated)d updated, %(unchanged)d unchanged) "
              "in %(seconds).1f s.") % {"total": len(units), "created": result.created, "updated": result.updated,
                                        "unchanged": result.unchanged, "seconds": elapsed}
        ))

    @staticmethod
    def _counts(counts: LevelCounts) -> dict:
        return {"level": counts.level.label, "created": counts.created, "updated": counts.updated,
                "unchanged": counts.unchanged}
