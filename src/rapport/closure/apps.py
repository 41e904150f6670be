from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "rapport.closure"
    label = "closure"
