"""The worker knows every task the portal sends: each beat entry and each app's tasks.py are
registered by the Celery app's autodiscovery, as a worker started with
``celery -A imdi_grants worker`` finds them (a task it does not know is dropped as
unregistered). Checked in a fresh process, where nothing else has imported the tasks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROBE = (
    "import json, django; django.setup(); from imdi_grants.celery import app; "
    "app.loader.import_default_modules(); print(json.dumps(sorted(app.tasks)))"
)


def test_the_worker_finds_every_task_module_and_beat_entry():
    root = Path(settings.BASE_DIR)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=root,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    names = set(json.loads(result.stdout.strip().splitlines()[-1]))
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in names, entry["task"]
    for path in root.glob("**/tasks.py"):
        if {".venv", "node_modules", "lib"} & set(path.parts):
            continue
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        assert any(name.startswith(module + ".") for name in names), module
