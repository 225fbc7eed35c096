from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "rostra.articles"
    label = "articles"
