"""Stored files follow the database: a file is deleted only once the deletion of its row has
committed, and a file whose row never committed (a rolled-back transaction, a killed worker, a
retried task) is found by a daily sweep and removed."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from functools import partial

from celery import shared_task
from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

log = logging.getLogger(__name__)


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # gone already, or the disk is away: the orphan sweep finds it later
        log.warning("Could not delete %s; the orphan sweep will", name, exc_info=True)


def delete_after_commit(files: Iterable[FieldFile]) -> None:
    """Delete the stored files once the surrounding transaction commits; if it rolls back, the
    rows still point at their files and nothing is lost."""
    for file in files:
        if file:
            transaction.on_commit(partial(_delete, file.storage, file.name))


def file_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) that stores a file in the default storage."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and field.storage is default_storage
    ]


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model, field in file_fields():
        names.update(
            model._base_manager.exclude(**{field: ""})
            .exclude(**{f"{field}__isnull": True})
            .values_list(field, flat=True)
        )
    return names


def orphans_sweep(
    *, older_than: dt.timedelta = dt.timedelta(hours=6), dry_run: bool = False
) -> list[str]:
    """Delete files under MEDIA_ROOT that no row refers to and that are older than
    ``older_than`` (younger ones may belong to a transaction still running); returns their
    names. Partial files an interrupted write left behind go the same way."""
    root = default_storage.location
    cutoff = (timezone.now() - older_than).timestamp()
    referenced = referenced_names()
    removed = []
    for directory, _dirs, names in os.walk(root):
        for filename in names:
            path = os.path.join(directory, filename)
            name = os.path.relpath(path, root).replace(os.sep, "/")
            if name in referenced or os.path.getmtime(path) > cutoff:
                continue
            removed.append(name)
            if not dry_run:
                _delete(default_storage, name)
    if removed:
        log.info("Removed %s stored files no row refers to", len(removed))
    return sorted(removed)


@shared_task(acks_late=True)
def orphans_remove() -> None:
    """Daily: remove the stored files no row refers to (see ``orphans_sweep``)."""
    orphans_sweep()
