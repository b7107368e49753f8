"""Telling the person what became of what they asked for."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from .workflow import DomainError


def carry_out(request: HttpRequest, action: Callable[[], object], *, success: str) -> bool:
    """Run a service; show its refusal, or ``success``, as a message on the next page. Returns
    whether it was done. For a POST that acts on one case and goes back to its page."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True
