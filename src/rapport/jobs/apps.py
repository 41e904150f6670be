from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "rapport.jobs"
    label = "jobs"
