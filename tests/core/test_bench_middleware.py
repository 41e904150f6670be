"""The benchmarks' query counter (``RAPPORT_BENCH=1``): each response says how many SQL
statements its request ran."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from rapport.core.bench import QueryCountMiddleware
from rapport.tenancy.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_response_carries_the_request_s_query_count():
    def view(request):
        Organisation.objects.count()
        list(Organisation.objects.all())
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Queries"] == "3"
    # the counter is gone once the response is made
    again = QueryCountMiddleware(lambda request: HttpResponse("none"))(RequestFactory().get("/"))
    assert again["X-Queries"] == "0"


def test_it_is_off_unless_asked_for(settings):
    assert "rapport.core.bench.QueryCountMiddleware" not in settings.MIDDLEWARE
