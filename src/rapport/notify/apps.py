from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "rapport.notify"
    label = "notify"
