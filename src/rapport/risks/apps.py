from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "rapport.risks"
    label = "risks"
