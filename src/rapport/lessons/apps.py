from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "rapport.lessons"
    label = "lessons"
