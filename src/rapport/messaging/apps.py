from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "rapport.messaging"
    label = "messaging"

    def ready(self) -> None:
        from rapport.messaging import mail  # noqa: F401 - registers the email replies
