"""The Celery application.

Reliability settings (late acks, reject on worker loss, recycled children, UTC beat) live in
``settings.py`` under ``CELERY_``; tasks are enqueued with ``imdi_grants.lib.tasks.enqueue``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imdi_grants.settings")

app = Celery("imdi_grants")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py (the Django fixup reads INSTALLED_APPS), so a new app's tasks
# reach the worker without being listed here.
app.autodiscover_tasks()
