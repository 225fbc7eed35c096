"""Moderators' first tools: find comments, then approve, hide, mark as spam or delete them.

Every state change goes through the moderation verbs, so each leaves an audit row; nothing here
hard-deletes a comment.
"""

from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html

from rostra.discussion.create import bump_thread
from rostra.discussion.models import Comment
from rostra.moderation import actions


def _bulk(verb, done_label, description):
    def action(modeladmin, request, queryset):
        changed = sum(verb(comment, actor=request.user) for comment in queryset)
        modeladmin.message_user(
            request, f"{changed} comment{'s' if changed != 1 else ''} {done_label}.",
            messages.SUCCESS,
        )

    action.__name__ = verb.__name__
    return admin.action(description=description)(action)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("id", "author_name", "excerpt", "thread", "state", "created", "score", "link")
    list_filter = ("state", "is_placeholder", "thread__site")
    search_fields = ("author_name", "author_email", "body_source", "=id", "thread__title")
    list_select_related = ("thread",)
    date_hierarchy = "created"
    readonly_fields = (
        "thread", "parent", "depth", "path", "user", "address_hash", "created", "edited",
        "upvotes", "downvotes", "score", "body_html", "source", "source_id",
    )
    fields = (
        "thread", "parent", "state", "author_name", "author_email", "author_website",
        "body_source", "body_html", "created", "edited", "upvotes", "downvotes", "score",
        "user", "address_hash", "depth", "path", "source", "source_id",
    )
    actions = [
        _bulk(actions.approve_comment, "approved", "Approve (make visible)"),
        _bulk(actions.hide_comment, "hidden", "Hide"),
        _bulk(actions.mark_spam, "marked as spam", "Mark as spam"),
        _bulk(actions.remove_comment, "deleted", "Delete (replies stay under [deleted])"),
    ]

    @admin.display(description="Comment")
    def excerpt(self, obj):
        text = " ".join(obj.body_source.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    @admin.display(description="")
    def link(self, obj):
        return format_html('<a href="{}">view</a>', obj.get_absolute_url())

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Edits by moderators go through the verbs: the body is rendered again, the state audited."""
        stored = Comment.objects.get(pk=obj.pk)
        new_state, new_body = obj.state, obj.body_source
        author_fields = ["author_name", "author_email", "author_website"]
        changed = {f: getattr(obj, f) for f in author_fields if getattr(obj, f) != getattr(stored, f)}
        if changed:
            Comment.objects.filter(pk=obj.pk).update(**changed)
            bump_thread(obj.thread_id)
        if new_body != stored.body_source:
            actions.moderator_edit(stored, body=new_body, actor=request.user)
        if new_state != stored.state:
            actions.moderate_comment(stored, to_state=new_state, action="set state",
                                     actor=request.user)
