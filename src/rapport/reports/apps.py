from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rapport.reports"
    label = "reports"

    def ready(self) -> None:
        from rapport.reports import pdf  # noqa: F401 - registers the PDF email attachment
