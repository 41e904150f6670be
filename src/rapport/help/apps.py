from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "rapport.help"
    label = "help"
