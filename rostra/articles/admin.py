"""Editors edit articles here; saving renders the body (and its figure) again."""

from django.contrib import admin
from django.db import models

from rostra.articles.models import Article
from rostra.articles.publish import save_article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "site", "submitted_by", "via", "published", "comment_count")
    list_filter = ("site", "comments_open")
    search_fields = ("title", "submitted_by", "via", "url")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("site", "title", "slug", "url", "published", "comments_open")}),
        ("Attribution", {"fields": ("submitted_by", "via")}),
        ("Figure", {"fields": ("image_url", "image_caption", "image_credit", "image_position")}),
        ("Body", {"fields": ("body_format", "body_source")}),
    )

    def save_model(self, request, obj, form, change):
        save_article(obj)
