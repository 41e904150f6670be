from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport.tenancy.selectors import memberships_of


def actor(request: HttpRequest) -> dict[str, object]:
    current = getattr(request, "actor", None)
    return {
        "actor": current,
        "signup_open": settings.SIGNUP_OPEN,
        # Read only by the organisation switcher, and only on the app's pages.
        "member_memberships": SimpleLazyObject(
            lambda: list(memberships_of(current.user)) if current and current.user else []
        ),
    }
