from django.apps import AppConfig


class MailInConfig(AppConfig):
    name = "rapport.mailin"
    label = "mailin"
