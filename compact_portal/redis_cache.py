"""Django's Redis cache with one client object per server and process, instead of one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` around the (shared) connection pool on every
cache call, and building one costs more than the round trip to Redis itself (about 0.5 ms against 0.25 ms on the
2-core machine: bench/README.md, `pages.py`). A `redis.Redis` is safe to share between threads (each command takes
a connection from the pool) and after a fork (the pool notices the new process and opens its own connections).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return _Client(self._servers, **self._options)
