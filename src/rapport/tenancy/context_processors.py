from django.conf import settings
from django.http import HttpRequest


def actor(request: HttpRequest) -> dict[str, object]:
    return {
        "actor": getattr(request, "actor", None),
        "signup_open": settings.SIGNUP_OPEN,
    }
