"""The grant's own URLs: one stable address per case, whatever the scheme."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .access import grants_visible_to
from .registry import scheme_parts


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the visitor to the grant's case page in its scheme."""
    grant = (
        grants_visible_to(request.user).select_related("scheme_year__scheme").filter(pk=pk).first()
    )
    if grant is None:
        raise Http404
    try:
        parts = scheme_parts(scheme_code=grant.scheme_code)
    except LookupError:  # the scheme has no case page yet
        raise Http404 from None
    return redirect(parts.case_url(grant))
