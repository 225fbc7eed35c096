from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "rostra.embed"
    label = "embed"
