"""System checks that refuse settings Rostra cannot run with."""

from django.core.checks import Error, Warning, register

from rostra.core.app_settings import SETTINGS, app_settings


@register()
def check_app_settings(app_configs, **kwargs):
    errors = []
    for name, setting in SETTINGS.items():
        try:
            value = getattr(app_settings, name)
        except (TypeError, ValueError) as exc:
            errors.append(Error(f"ROSTRA_{name} cannot be read: {exc}", id="rostra.E001"))
            continue
        whole = isinstance(setting.default, int) and not isinstance(setting.default, bool)
        if whole and (not isinstance(value, int) or value < 1):
            errors.append(
                Error(f"ROSTRA_{name} must be a whole number of at least 1, not {value!r}.",
                      id="rostra.E002")
            )
    return errors


@register(deploy=True)
def check_rate_limits_on(app_configs, **kwargs):
    """A public server counts posts, edits, votes, counts and sign-ins (off only for load tests)."""
    from django.conf import settings

    try:
        limits = app_settings.RATE_LIMITS
    except ValueError:
        return []  # reported by check_app_settings
    if limits is None:
        return [Warning(
            "ROSTRA_RATE_LIMITS is off: no rate limits, honeypot, minimum fill time or duplicate "
            "detection. Turn it off only for load tests and benchmarks.", id="rostra.W001")]
    backend = getattr(settings, "CACHES", {}).get("limits", {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [Warning(
            "CACHES['limits'] is not shared by Rostra's processes: each would count rate limits on "
            "its own.", id="rostra.W002")]
    return []
