from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "rapport.meetings"
    label = "meetings"

    def ready(self) -> None:
        from rapport.meetings import attachments, pdf  # noqa: F401 - register the ICS and PDF builders
