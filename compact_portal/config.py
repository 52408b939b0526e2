"""Reads the environment once and turns each variable into a setting, or a one-line error.

Every variable is documented in README.md and .env.example. Nothing set gives the embedded default:
SQLite, Celery's filesystem transport and e-mail as .eml files, all under var/.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# Everything the embedded default writes (database, broker folder, outbox, uploads) lives here.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()


class ConfigError(ImproperlyConfigured):
    """A variable of the environment has a value the portal cannot use."""


def debug() -> bool:
    # Strict: a typo such as DJANGO_DEBUG=flase must not quietly mean production or development.
    value = env.str("DJANGO_DEBUG", default="1").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"DJANGO_DEBUG must be 1 or 0, not {env.str('DJANGO_DEBUG')!r}")


def secret_key(*, debug: bool) -> str:
    value = env.str("DJANGO_SECRET_KEY", default="")
    if value:
        return value
    if debug:
        return installation_secret_key(VAR_DIR / "secret_key")
    raise ConfigError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")


def audit_chain_key(*, secret_key: str) -> str:
    """The key of the audit trail's hash chain: AUDIT_CHAIN_KEY, else the SECRET_KEY. A key of its own lets the
    SECRET_KEY be rotated without making the existing chain unverifiable; keep it off the database's hosts."""
    return env.str("AUDIT_CHAIN_KEY", default="") or secret_key


def installation_secret_key(path: Path) -> str:
    """The embedded default's key: made at random on first run, kept in `path` (mode 0600), read back afterwards.

    A key in the source would be everyone's: badge codes, e-mail confirmation keys and sessions could be forged for
    any portal left on it. Several processes start at once (web, worker, beat): the key is written to a temporary
    file and linked into place, so the first one wins and the others read its whole key, never half of it.
    """
    try:
        return _read_secret_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process made it first: its key is the one
    finally:
        os.unlink(temporary)
    return _read_secret_key(path)


def _read_secret_key(path: Path) -> str:
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # readable by others (copied, restored from a backup): no longer
    value = path.read_text().strip()
    if len(value) < 50:
        raise ConfigError(f"{path} holds no usable secret key: delete it and a new one is made")
    return value


def allowed_hosts(*, debug: bool) -> list[str]:
    hosts = env.list("ALLOWED_HOSTS", default=[])
    if hosts:
        return hosts
    return ["127.0.0.1", "localhost", "[::1]", "testserver"] if debug else []


def database() -> dict:
    url = env.str("DATABASE_URL", default="")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # Waiting on a lock beats failing with "database is locked" under the worker's writes.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # Tests get a file, not Django's shared in-memory database: that one has table locks without a busy
            # timeout, so a worker thread writing while the test reads fails at once. One file per test run.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ConfigError(f"DATABASE_URL must be a postgres:// or sqlite:// URL, not {_redacted(url)!r}")
    try:
        config = environ.Env.db_url_config(url)
    except (ValueError, KeyError) as error:
        raise ConfigError(f"DATABASE_URL cannot be parsed: {_redacted(url)!r} ({error})") from error
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigError(f"DATABASE_URL names no database: {_redacted(url)!r}")
    config.setdefault("CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def redis_url() -> str:
    url = env.str("REDIS_URL", default="")
    if url and urlsplit(url).scheme not in {"redis", "rediss"}:
        raise ConfigError(f"REDIS_URL must be a redis:// or rediss:// URL, not {_redacted(url)!r}")
    return url


def email() -> dict:
    """EMAIL_URL: smtp://[user:password@]host:port, smtp+tls:// (STARTTLS) or smtps:// (TLS)."""
    url = env.str("EMAIL_URL", default="")
    if not url:
        return {"EMAIL_BACKEND": "compact_portal.mail.EmlFileBackend", "EMAIL_FILE_PATH": str(VAR_DIR / "outbox")}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtp+tls", "smtps"} or not parts.hostname:
        raise ConfigError(f"EMAIL_URL must look like smtp://host:port, smtp+tls:// or smtps://, not {_redacted(url)!r}")
    try:
        port = parts.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme]
    except ValueError as error:
        raise ConfigError(f"EMAIL_URL has a bad port: {_redacted(url)!r}") from error
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_TIMEOUT": int(query.get("timeout", ["30"])[0]),
    }


def trusted_proxy_count() -> int:
    """TRUSTED_PROXY_COUNT: how many reverse proxies of ours stand before the web server. Each appends the address it
    was reached from to X-Forwarded-For, so the client is the Nth address from the right; the rest of the header is
    the client's to forge. 0 (the default): the header is ignored and the client is the connection's address."""
    value = env.str("TRUSTED_PROXY_COUNT", default="0").strip()
    if not value.isdigit():
        raise ConfigError(f"TRUSTED_PROXY_COUNT must be a whole number of proxies (0, 1, 2…), not {value!r}")
    return int(value)


def trusted_client_ip_header() -> str | None:
    """TRUSTED_CLIENT_IP_HEADER: a header the proxy sets to the client's address (X-Real-IP, CF-Connecting-IP),
    used instead of X-Forwarded-For. Only for a proxy that overwrites the header a client may send."""
    value = env.str("TRUSTED_CLIENT_IP_HEADER", default="").strip()
    if value and not all(part.isalnum() for part in value.split("-")):
        raise ConfigError(f"TRUSTED_CLIENT_IP_HEADER must be a header name such as X-Real-IP, not {value!r}")
    return value or None


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


# `make run` records here the address it serves (manage.py portal_base_url --record), for commands run from another
# shell without PORT: their links (a letter's registration link) then point at the running portal, not at port 8000.
BASE_URL_RECORD = VAR_DIR / "portal-base-url"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def portal_base_url_known() -> tuple[str, str] | None:
    """(the portal's address, where it was read) from PORTAL_BASE_URL, else from PORT (http://127.0.0.1:$PORT: the
    Makefile passes PORT to every process `make run` starts), else from what the running portal recorded in
    BASE_URL_RECORD; None when nothing says it."""
    url = env.str("PORTAL_BASE_URL", default="").strip()
    if url:
        return _checked_base_url(url, "PORTAL_BASE_URL"), "PORTAL_BASE_URL"
    port = env.str("PORT", default="").strip()
    if port:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"PORT must be a port number, not {port!r}")
        return f"http://127.0.0.1:{int(port)}", "PORT"
    try:
        recorded = BASE_URL_RECORD.read_text().strip()
    except OSError:
        return None
    return (_checked_base_url(recorded, str(BASE_URL_RECORD)), str(BASE_URL_RECORD)) if recorded else None


def portal_base_url() -> str:
    """Where people reach the portal, for links in e-mails sent without a request (workers): as
    portal_base_url_known() says, else http://127.0.0.1:8000 (runserver's default; commands that write links into
    letters refuse to guess: require_portal_base_url)."""
    known = portal_base_url_known()
    return known[0] if known else DEFAULT_BASE_URL


def require_portal_base_url() -> str:
    """The portal's address for a command about to write links that people will follow, or a ConfigError that says
    which setting to give."""
    known = portal_base_url_known()
    if known is None:
        raise ConfigError(
            "The letters' links need the portal's address, and nothing says it: set PORTAL_BASE_URL (e.g. "
            "PORTAL_BASE_URL=https://portal.example.org), or PORT when the portal runs on this machine "
            f"(`make run` records its address in {BASE_URL_RECORD})."
        )
    return known[0]


def _checked_base_url(url: str, source: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{source} must be an http:// or https:// URL, not {url!r}")
    return url.rstrip("/")
