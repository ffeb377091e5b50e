"""``manage.py import_boundaries FILE --code-field FIELD``: set region outlines from GeoJSON."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xiangcun.core.errors import ServiceError
from xiangcun.regions.services import region_set_boundaries


class Command(BaseCommand):
    help = (
        "Set region boundaries and centroids from a GeoJSON FeatureCollection of Polygon/MultiPolygon features "
        "(WGS84 longitude/latitude). Each feature is matched to a region by the division code in the property "
        "given with --code-field. Only GeoJSON is read: convert a Shapefile first, e.g. "
        "`ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.shp`. Unknown codes and invalid features are "
        "listed and skipped; a broken file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="GeoJSON FeatureCollection (.geojson or .json)")
        parser.add_argument("--code-field", required=True, metavar="FIELD",
                            help="feature property holding the division code, e.g. adcode or code")

    def handle(self, *args, file: str, code_field: str, **options) -> None:
        path = Path(file)
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) from None
        try:
            result = region_set_boundaries(actor=None, features=text, code_field=code_field)
        except ServiceError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from None
        self.stdout.write(self.style.SUCCESS(_("%(count)d region boundaries set, %(unchanged)d already up to date.")
                                             % {"count": result.updated, "unchanged": result.unchanged}))
        if result.unknown_codes:
            self.stdout.write(self.style.WARNING(
                _("%(count)d codes are not regions here (import the regions first): %(codes)s")
                % {"count": len(result.unknown_codes), "codes": ", ".join(result.unknown_codes)}
            ))
        if result.invalid_features:
            self.stdout.write(self.style.WARNING(
                _("%(count)d features were skipped:") % {"count": len(result.invalid_features)}
            ))
            for feature in result.invalid_features:
                self.stdout.write(f"  {feature}")
