"""A Site is one publication: its name, time zone, domains and the origins allowed to embed it."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (try 'Europe/London').")


class Site(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone],
        help_text="Times on this site's pages are shown in this zone.",
    )
    domains = models.JSONField(
        default=list, blank=True, help_text="Host names this site's pages are served on."
    )
    origins = models.JSONField(
        default=list, blank=True, help_text="Origins (scheme://host[:port]) allowed to embed it."
    )
    create_threads = models.BooleanField(
        default=True,
        help_text="Start a discussion for a page of this site the first time someone comments on it.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

    @property
    def base_url(self) -> str:
        """Where the site's pages live: its first origin, else https:// and its first domain ("" when
        it has neither). Page paths from other systems (Isso's `uri`) are resolved against it."""
        if self.origins:
            return self.origins[0].rstrip("/")
        return f"https://{self.domains[0]}" if self.domains else ""

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)
