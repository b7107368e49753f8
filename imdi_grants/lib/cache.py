"""The cache: Redis that degrades to a miss when Redis cannot be reached, and the worker heartbeat.

The cache holds allauth's login rate limits (and its record of used TOTP codes). Django's
``RedisCache`` raises when Redis is down, which turned every login into a 500. Here an
unreachable Redis behaves as an empty cache: reads miss, writes are dropped, ``add`` succeeds. Rate
limits then do not count until Redis is back (logged as a warning); nobody is locked out.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

HEARTBEAT_KEY = "worker-heartbeat"
# Beat writes the heartbeat every minute; older than this, the worker is reported as stale.
HEARTBEAT_STALE_SECONDS = 5 * 60


def _degraded(operation: str, exc: Exception) -> None:
    logger.warning("Cache unreachable (%s): %s; treated as a miss", operation, exc)


class ForgivingRedisCache(RedisCache):
    """``RedisCache`` where a connection error is a cache miss instead of an exception."""

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as exc:
            _degraded("add", exc)
            return True  # as on an empty cache: the key was not there

    def get(self, key: str, default: Any = None, version=None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            _degraded("get", exc)
            return default

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version=None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as exc:
            _degraded("set", exc)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as exc:
            _degraded("touch", exc)
            return False

    def delete(self, key: str, version=None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE as exc:
            _degraded("delete", exc)
            return False

    def get_many(self, keys, version=None) -> dict:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as exc:
            _degraded("get_many", exc)
            return {}

    def has_key(self, key: str, version=None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE as exc:
            _degraded("has_key", exc)
            return False

    def incr(self, key: str, delta: int = 1, version=None) -> int:
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            _degraded("incr", exc)
            raise ValueError(f"Key '{key}' not found") from exc  # what a miss raises

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version=None) -> list:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as exc:
            _degraded("set_many", exc)
            return list(data)

    def delete_many(self, keys, version=None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as exc:
            _degraded("delete_many", exc)

    def clear(self) -> None:
        try:
            super().clear()
        except UNREACHABLE as exc:
            _degraded("clear", exc)


@shared_task(name="imdi_grants.lib.cache.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> str:
    """Run by beat every minute on the worker: the time it ran, for ``/healthz``."""
    stamp = datetime.now(UTC).isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=24 * 60 * 60)
    return stamp


def worker_heartbeat_status() -> dict[str, Any]:
    """``{"status": "ok" | "stale" | "missing", "last": <ISO time or None>}``."""
    stamp = cache.get(HEARTBEAT_KEY)
    if not stamp:
        return {"status": "missing", "last": None}
    try:
        age = (datetime.now(UTC) - datetime.fromisoformat(stamp)).total_seconds()
    except (TypeError, ValueError):
        return {"status": "missing", "last": None}
    return {"status": "ok" if age <= HEARTBEAT_STALE_SECONDS else "stale", "last": stamp}
