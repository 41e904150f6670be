from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "rapport.portfolio"
    label = "portfolio"
