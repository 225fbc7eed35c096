from django.contrib import admin

from rostra.sites.models import Site
from rostra.sites.origins import forget_allowed_origins


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "domains", "origins")
    search_fields = ("name", "slug")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_allowed_origins()
