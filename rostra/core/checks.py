"""System checks that refuse settings Rostra cannot run with."""

from django.core.checks import Error, register

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
        if isinstance(setting.default, int) and (not isinstance(value, int) or value < 1):
            errors.append(
                Error(f"ROSTRA_{name} must be a whole number of at least 1, not {value!r}.",
                      id="rostra.E002")
            )
    return errors
