from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "rapport.communication"
    label = "communication"
