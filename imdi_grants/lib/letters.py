"""What every letter IMDi sends an organisation keeps: its written standard, who signed it, the
day it was sent, and the PDF rendered once (``lib.pdfs.pdf_store``) with its checksum. Each
letter model adds its own ``file`` (where it is stored) and what it is about."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedLetter(models.Model):
    language = models.CharField(_("language"), max_length=5)
    signed_by = models.CharField(_("signed by"), max_length=200)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    class Meta:
        abstract = True
