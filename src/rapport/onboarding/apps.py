from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "rapport.onboarding"
    label = "onboarding"
