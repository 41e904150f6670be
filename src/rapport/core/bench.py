"""Measurement hooks for the benchmarks (``make bench``), switched on by ``RAPPORT_BENCH=1`` and
refused in production: the server tells the load generator how many queries each request ran."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    """Adds ``X-Queries``: the number of SQL statements the request ran on every database
    connection, from the first middleware to the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response
