"""Driving django-import-export's admin as an administrator does: upload, preview, confirm."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def admin_preview(client, *, model: str, csv: str):
    """Upload ``csv`` on ``model``'s import page ("app_model"); returns the preview response,
    after checking it offers the confirmation and nothing more."""
    upload = SimpleUploadedFile("import.csv", csv.encode(), content_type="text/csv")
    response = client.post(
        reverse(f"admin:{model}_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    assert response.status_code == 200
    assert "Bekreft import" in response.content.decode()
    return response


def admin_confirm(client, *, model: str, preview) -> None:
    """Press "Bekreft import" on the preview."""
    done = client.post(
        reverse(f"admin:{model}_process_import"), preview.context["confirm_form"].initial
    )
    assert done.status_code == 302
