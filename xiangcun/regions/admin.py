from __future__ import annotations

from django.contrib import admin

from xiangcun.regions.models import Grid, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "enabled"]
    list_filter = ["level", "enabled"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "village"]
    search_fields = ["code", "name"]
    raw_id_fields = ["village", "workers"]
