from tests.invitations.conftest import celery_worker, redis_broker, smtp_server  # noqa: F401  (shared fixtures)
