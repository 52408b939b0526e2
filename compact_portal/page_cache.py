"""A cache for entries whose key changes whenever their content does (the public pages', sessions.public_cache).

Such an entry is never stale, so each process keeps what it has read in its own memory and asks nobody next time
(no round trip to Redis), and shares what it renders through the default cache (Redis with REDIS_URL) so that a
page is rendered once for all web processes, not once per process.
"""

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

_MISSING = object()


class VersionedPageCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        options = {"MAX_ENTRIES": 2_000, **params.get("OPTIONS", {})}
        self._local = LocMemCache(location or "versioned-pages", {"TIMEOUT": params.get("TIMEOUT"), "OPTIONS": options})
        self._shared_alias = params.get("SHARED", "default")

    @property
    def _shared(self) -> BaseCache:
        return caches[self._shared_alias]

    @property
    def local(self) -> BaseCache:
        """This process's memory only, for what must not outlive the process (a whole page: its frame comes from the
        templates and code of this process, which a deployment changes without changing the content's version)."""
        return self._local

    @property
    def shared(self) -> BaseCache | None:
        """The cache every process reads (Redis with REDIS_URL), for what must not be kept in one process's memory;
        None when the shared cache is only this process's memory (the embedded default), where the web server, the
        worker and `manage.py` commands cannot see each other's entries."""
        shared = self._shared
        return None if isinstance(shared, LocMemCache) else shared

    def get(self, key, default=None, version=None):
        value = self._local.get(key, _MISSING, version)
        if value is _MISSING:
            value = self._shared.get(key, _MISSING, version)
            if value is _MISSING:
                return default
            self._local.set(key, value, version=version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._local.set(key, value, timeout, version)
        self._shared.set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self._shared.add(key, value, timeout, version)
        self._local.add(key, value, timeout, version)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self._local.touch(key, timeout, version)
        return self._shared.touch(key, timeout, version)

    def delete(self, key, version=None):
        self._local.delete(key, version)
        return self._shared.delete(key, version)

    def has_key(self, key, version=None):
        return self._local.has_key(key, version) or self._shared.has_key(key, version)

    def clear(self):
        self._local.clear()
