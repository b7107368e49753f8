"""Fixtures of the security and reliability tests: the development-grant drafts come from the
development tests, files go to a temporary media folder, and ports where nothing listens."""

from __future__ import annotations

import socket

import pytest

from tests.development.conftest import complete, draft  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def closed_port() -> int:
    """A local TCP port where nothing listens: bound once by the OS, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
