from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapport.portal.access import contact_actor
from rapport.tenancy import services as tenancy_services
from rapport.tenancy.access import member_actor
from rapport.tenancy.actors import Actor, client_ip


def home(request: HttpRequest) -> HttpResponse:
    """Members land in the app, contacts in the portal, everyone else at sign-in."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if member_actor(request) is not None:
        return redirect("app:home")
    if contact_actor(request) is not None:
        return redirect("portal:home")
    return redirect("accounts:no_access")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # the load balancer only needs to know the database is unreachable
        return JsonResponse({"status": "unavailable"}, status=503)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: remembered on the account, and in a cookie before sign-in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            actor = (
                member_actor(request)
                or contact_actor(request)
                or Actor(kind="anonymous", user=request.user, ip=client_ip(request))
            )
            tenancy_services.user_set_language(actor=actor, user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
