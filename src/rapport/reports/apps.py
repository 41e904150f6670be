from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rapport.reports"
    label = "reports"

    def ready(self) -> None:
        from rapport.reports import (  # noqa: F401 - register the PDF attachment, the email replies
            mail,
            pdf,
        )
