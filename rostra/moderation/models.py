"""The moderation audit trail: who did what to which comment, when and why."""

from django.conf import settings
from django.db import models

from rostra.discussion.models import Comment


class ModerationAction(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="moderation_actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(max_length=200, help_text="Copied at the time of the action.")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["comment", "created"], name="modaction_comment")]

    def __str__(self):
        return f"{self.actor_name} {self.action} #{self.comment_id}"
