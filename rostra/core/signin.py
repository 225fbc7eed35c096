"""Signing in (the admin's sign-in page, for moderators and editors), counted against the
`account.login` rate limits: per user name tried, and per network address."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from rostra.core.ratelimits import RateLimited, check_rate


class LimitedSignInForm(AdminAuthenticationForm):
    retry_after: int | None = None

    def clean(self):
        name = " ".join(str(self.data.get("username", "")).lower().split())[:150]
        try:
            check_rate(self.request, "account.login", author=f"name:{name}" if name else "")
        except RateLimited as refusal:
            self.retry_after = refusal.retry_after
            raise ValidationError(refusal.message, code="rate_limited") from None
        return super().clean()


def admin_sign_in(request):
    """The admin's own sign-in page with LimitedSignInForm; 429 with Retry-After over a limit."""
    response = admin.site.login(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "retry_after", None):
        response.status_code = 429
        response["Retry-After"] = str(form.retry_after)
    return response
