from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "rostra.identity"
    label = "identity"
