from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "rapport.closure"
    label = "closure"

    def ready(self) -> None:
        from rapport.closure import pdf  # noqa: F401 - register the PDF attachment
