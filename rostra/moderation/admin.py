"""The audit trail, read-only: who did what to which comment."""

from django.contrib import admin

from rostra.moderation.models import ModerationAction


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created", "actor_name", "action", "comment", "from_state", "to_state", "reason")
    list_filter = ("action", "to_state")
    search_fields = ("actor_name", "reason", "=comment__id")
    list_select_related = ("comment",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
