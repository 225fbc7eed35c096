from django.contrib import admin

from rostra.sites.models import Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "domains", "origins")
    search_fields = ("name", "slug")
