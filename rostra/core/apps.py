from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rostra.core"
    label = "rostra_core"

    def ready(self):
        from rostra.core import checks  # noqa: F401  (registers system checks)

        # `rostra import` and `export` run without the admin (rostra/cli.py)
        if self.apps.is_installed("django.contrib.admin"):
            from django.contrib import admin

            from rostra.core.signin import LimitedSignInForm

            admin.site.login_form = LimitedSignInForm  # sign-ins count against account.login limits
