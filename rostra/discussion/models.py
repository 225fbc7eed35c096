"""Comments (nodes of a thread tree stored with a materialised path) and the votes readers cast on them."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from rostra.articles.models import Article

# Each path segment is a comment id in fixed-width base 36, so a plain string sort of `path` yields
# depth-first display order, and a comment's whole subtree is one index range scan:
# [path, subtree_end(path)). Only digits and lowercase letters are compared, so the order holds under
# any collation a database may use (punctuation, which some collations ignore, never appears).
SEGMENT_WIDTH = 7


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", "Visible"
        PENDING = "pending", "Pending"
        SPAM = "spam", "Spam"
        REJECTED = "rejected", "Rejected"
        DELETED = "deleted", "Deleted"

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        PLAIN = "plain", "Plain text"
        HTML = "html", "HTML (imported; sanitised)"

    # No index of their own for `thread` and `root`: the composite indexes below start with them.
    thread = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="comments",
                               db_index=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False,
        db_index=False,
        help_text="The top-level comment of this comment's subtree (itself when top-level).",
    )
    depth = models.PositiveIntegerField(default=0, editable=False)
    path = models.TextField(default="", editable=False)

    user = models.ForeignKey(  # indexed by comment_user_words, which starts with it
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    author_name = models.CharField(max_length=200)
    author_email = models.EmailField(max_length=254, blank=True)
    author_website = models.URLField(max_length=500, blank=True)
    address_hash = models.CharField(
        max_length=32, blank=True, editable=False,
        help_text="Keyed hash of the author's network address, cleared after the retention period "
                  "(never the address: see rostra/identity/addresses.py).",
    )

    body_source = models.TextField(blank=True)
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(blank=True)
    submitted_digest = models.BigIntegerField(
        null=True, blank=True, editable=False,
        help_text="Digest of the words as submitted (edits leave it): a new comment is checked "
                  "against its author's earlier ones in the thread by it. Empty on imported comments.",
    )

    state = models.CharField(max_length=10, choices=State, default=State.VISIBLE, db_index=True)
    is_placeholder = models.BooleanField(
        default=False,
        help_text="Stands in for a comment an import referred to but did not contain.",
    )
    created = models.DateTimeField(null=True, blank=True, help_text="Empty when unknown.")
    edited = models.DateTimeField(null=True, blank=True)

    upvotes = models.PositiveIntegerField(default=0, editable=False)
    downvotes = models.PositiveIntegerField(default=0, editable=False)
    score = models.IntegerField(default=0, editable=False)
    best_score = models.FloatField(default=0.0, editable=False)

    source = models.CharField(max_length=40, blank=True, editable=False)
    source_id = models.CharField(max_length=500, blank=True, editable=False)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["thread", "path"], name="comment_thread_path"),
            models.Index(fields=["root", "path"], name="comment_root_path"),
            models.Index(fields=["thread", "depth", "id"], name="comment_thread_top"),
            models.Index(fields=["thread", "depth", "best_score"], name="comment_thread_best"),
            # A new comment is checked against its author's earlier ones in the thread with the same
            # words (double submits, repeated words): these make that check a seek, as cheap in a
            # 100,000-comment thread as in an empty one. Imported comments carry neither an address
            # nor an account, and stay out of both. (`user_id = %s` implies the second's condition
            # for SQLite and PostgreSQL alike; the first needs Filled: see rostra/core/expressions.)
            models.Index(fields=["address_hash", "thread", "submitted_digest"],
                         name="comment_address_words", condition=~models.Q(address_hash="")),
            models.Index(fields=["user", "thread", "submitted_digest"], name="comment_user_words",
                         condition=models.Q(user__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "source", "source_id"],
                condition=~models.Q(source=""),
                name="comment_source_unique",
            ),
            models.UniqueConstraint(
                fields=["thread", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="comment_submission_unique",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} by {self.author_name}"

    def get_absolute_url(self):
        return reverse("discussion:permalink", kwargs={"comment_id": self.pk})

    @property
    def is_shown(self) -> bool:
        return self.state in SHOWN_STATES

    @property
    def is_deleted(self) -> bool:
        return self.state == self.State.DELETED

    @property
    def is_stub(self) -> bool:
        """Shown only as a place in the tree for its replies: deleted, or removed by moderation."""
        return self.state != self.State.VISIBLE

    @property
    def stub_label(self) -> str:
        return "[deleted]" if self.is_deleted else "[removed]"


# States that keep a place in the tree readers see (a deleted comment shows as "[deleted]").
SHOWN_STATES = (Comment.State.VISIBLE, Comment.State.DELETED)

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_PAIRS = [a + b for a in _DIGITS for b in _DIGITS]  # every two-digit group, "00" to "zz"


def encode_segment(comment_id: int) -> str:
    # The seven digits as one digit and three two-digit groups looked up: a third of the time of a
    # digit at a time (an import encodes a segment per comment).
    if not 0 <= comment_id < 36**SEGMENT_WIDTH:
        raise ValueError(f"comment id {comment_id} does not fit a path segment")
    first, rest = divmod(comment_id, 36**6)
    second, rest = divmod(rest, 36**4)
    third, fourth = divmod(rest, 36**2)
    return _DIGITS[first] + _PAIRS[second] + _PAIRS[third] + _PAIRS[fourth]


def decode_segment(segment: str) -> int:
    return int(segment, 36)


def subtree_end(path: str) -> str:
    """The smallest key after every path that starts with `path`: `path` plus one, in base 36."""
    digits = list(path)
    for i in range(len(digits) - 1, -1, -1):
        if digits[i] != "z":
            digits[i] = _DIGITS[_DIGITS.index(digits[i]) + 1]
            return "".join(digits)
        digits[i] = "0"
    raise ValueError("no path sorts after an all-'z' path")  # ids never reach 36**7 - 1


def ancestor_ids(path: str) -> list[int]:
    """Ids of a comment's ancestors, from the top-level comment down (the comment itself excluded)."""
    return [
        decode_segment(path[i : i + SEGMENT_WIDTH])
        for i in range(0, len(path) - SEGMENT_WIDTH, SEGMENT_WIDTH)
    ]


class Vote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=80)
    address_key = models.CharField(
        max_length=40, blank=True, help_text="Keyed hash of the guest's network address (never the address)."
    )
    value = models.SmallIntegerField(choices=[(1, "up"), (-1, "down")])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter_key"], name="vote_one_per_reader"),
        ]
        indexes = [models.Index(fields=["comment", "address_key"], name="vote_comment_address")]
