from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "rapport.portability"
    label = "portability"
