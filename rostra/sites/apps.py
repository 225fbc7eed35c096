from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "rostra.sites"
    label = "rostra_sites"
    verbose_name = "Sites"
