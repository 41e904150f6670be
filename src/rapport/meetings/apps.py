from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "rapport.meetings"
    label = "meetings"

    def ready(self) -> None:
        from rapport.meetings import attachments  # noqa: F401 - registers the ICS and PDF builders
