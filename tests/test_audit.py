"""Every audit action used in the code has a display text."""

from __future__ import annotations

import re
from pathlib import Path

from imdi_grants.audit.actions import ACTIONS

ROOT = Path(__file__).resolve().parent.parent


def test_every_action_code_in_the_code_is_known():
    used = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        used |= set(re.findall(r'action="(imdi\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used, "no audit actions found: the pattern is wrong"
    assert used <= set(ACTIONS), used - set(ACTIONS)
