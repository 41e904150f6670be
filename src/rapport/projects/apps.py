from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "rapport.projects"
    label = "projects"
