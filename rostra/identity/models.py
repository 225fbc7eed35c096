"""Keys that hash network addresses, one per month, destroyed after the retention period."""

from django.db import models


class AddressKey(models.Model):
    period = models.CharField(max_length=7, unique=True, help_text="The month it hashes (YYYY-MM).")
    key = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period"]

    def __str__(self):
        return f"address key for {self.period}"
