from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "rapport.changes"
    label = "changes"
