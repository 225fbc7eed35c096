from django.apps import AppConfig


class PortingConfig(AppConfig):
    name = "rostra.porting"
    label = "porting"
