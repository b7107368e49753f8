"""Each person's own e-mails from the portal: what was sent to them and when."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import OutboxMessage


@login_required
def my_messages(request: HttpRequest) -> HttpResponse:
    messages = OutboxMessage.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    return render(request, "outbox/my_messages.html", {"page": page})
