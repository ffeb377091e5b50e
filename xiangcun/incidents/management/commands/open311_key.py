"""``manage.py open311_key create NAME --region CODE | list | revoke NAME``: keys of the Open311 endpoint."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xiangcun.core.errors import ServiceError
from xiangcun.incidents.models import Open311Key
from xiangcun.incidents.services.open311 import open311_key_create, open311_key_revoke
from xiangcun.regions.models import Region


class Command(BaseCommand):
    help = ("Manage Open311 API keys. 'create NAME --region CODE' prints a new key once (only its hash is "
            "stored); 'list' shows the keys; 'revoke NAME' refuses a key from now on.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="create a key limited to a region")
        create.add_argument("name")
        create.add_argument("--region", required=True, metavar="CODE",
                            help="division code of the county, a township or a village")
        commands.add_parser("list", help="list the keys")
        revoke = commands.add_parser("revoke", help="revoke a key")
        revoke.add_argument("name")

    def handle(self, *args, command: str, **options) -> None:
        getattr(self, f"_{command}")(**options)

    def _create(self, *, name: str, region: str, **options) -> None:
        found = Region.objects.filter(code=region.strip()).first()
        if found is None:
            raise CommandError(_("No region has the code %(code)s.") % {"code": region})
        try:
            key, plaintext = open311_key_create(name=name, region=found)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(_("Key %(name)s for %(region)s (%(code)s). It is shown only now; keep it safe:")
                          % {"name": key.name, "region": found.name, "code": found.code})
        self.stdout.write(plaintext)

    def _list(self, **options) -> None:
        keys = Open311Key.objects.select_related("region").order_by("name")
        if not keys:
            self.stderr.write(_("No Open311 keys yet."))
        for key in keys:
            state = (_("revoked %(when)s") % {"when": f"{key.revoked_at:%Y-%m-%d %H:%M}"} if key.revoked_at
                     else _("active"))
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-"
            self.stdout.write(f"{key.name}\t{key.prefix}…\t{key.region.code} {key.region.name}\t{state}\t{used}")

    def _revoke(self, *, name: str, **options) -> None:
        key = Open311Key.objects.filter(name=name).first()
        if key is None:
            raise CommandError(_("No Open311 key is named %(name)s.") % {"name": name})
        if key.revoked_at is not None:
            self.stderr.write(_("The key %(name)s was revoked already.") % {"name": name})
            return
        open311_key_revoke(key=key)
        self.stderr.write(_("Revoked the key %(name)s.") % {"name": name})
