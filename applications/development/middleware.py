"""Any page of a development case, also one another app owns (a grant's money, its reports, its
letters), sends a member of staff who has not declared their impartiality on the case to the
declaration page first, and back once it is made."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .access import DeclarationNeeded


class ImpartialityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DeclarationNeeded):
            return None
        response = redirect("development:impartiality", pk=exception.application_pk)
        if request.method == "GET":
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
