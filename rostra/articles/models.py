"""An Article is what is discussed: a hosted news page or an external URL, and the anchor of one thread."""

from django.db import models
from django.urls import reverse

from rostra.sites.models import Site


class Article(models.Model):
    class BodyFormat(models.TextChoices):
        PLAIN = "plain", "Plain text"
        MARKDOWN = "markdown", "Markdown"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="articles")
    slug = models.SlugField(max_length=200)
    url = models.URLField(max_length=2000, blank=True, help_text="Canonical URL (external articles).")
    title = models.CharField(max_length=300)
    submitted_by = models.CharField("contributor", max_length=200, blank=True)
    via = models.CharField("outlet", max_length=200, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    image_caption = models.TextField(blank=True)
    image_credit = models.CharField(max_length=300, blank=True)
    image_position = models.PositiveIntegerField(
        default=0, help_text="Number of body paragraphs shown before the figure."
    )
    body_source = models.TextField(blank=True)
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(blank=True, editable=False)
    comments_open = models.BooleanField(default=True)

    # Denormalised, kept by the discussion verbs in the same transaction as the write.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveBigIntegerField(default=0, editable=False)

    source = models.CharField(max_length=40, blank=True, editable=False)
    source_id = models.CharField(max_length=500, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="article_site_slug_unique"),
            models.UniqueConstraint(
                fields=["site", "url"], condition=~models.Q(url=""), name="article_site_url_unique"
            ),
            models.UniqueConstraint(
                fields=["site", "source", "source_id"],
                condition=~models.Q(source=""),
                name="article_source_unique",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article", kwargs={"slug": self.slug})
