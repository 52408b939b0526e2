import os
import subprocess
import sys
from pathlib import Path

import pytest

from compact_portal import config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environment(monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_nothing_set_gives_the_embedded_default(environment):
    assert config.database()["ENGINE"] == "django.db.backends.sqlite3"
    assert config.database()["NAME"] == str(config.VAR_DIR / "db.sqlite3")
    assert config.redis_url() == ""
    assert config.email() == {
        "EMAIL_BACKEND": "compact_portal.mail.EmlFileBackend",
        "EMAIL_FILE_PATH": str(config.VAR_DIR / "outbox"),
    }
    assert config.debug() is True


def test_database_url_for_postgresql(environment):
    environment.setenv("DATABASE_URL", "postgres://portal:secret@db.internal:5433/portal")
    database = config.database()
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "portal",
        "portal",
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "garbage", "DATABASE_URL must be a postgres:// or sqlite:// URL, not 'garbage'"),
        ("DATABASE_URL", "postgres://u:hunter2@h/", "DATABASE_URL names no database: 'postgres://u:***@h/'"),
        ("REDIS_URL", "http://cache", "REDIS_URL must be a redis:// or rediss:// URL, not 'http://cache'"),
        ("EMAIL_URL", "mail.example.org", "EMAIL_URL must look like smtp://host:port"),
        ("EMAIL_URL", "smtp://mail.example.org:notaport", "EMAIL_URL has a bad port"),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be 1 or 0, not 'maybe'"),
    ],
)
def test_a_wrong_value_names_its_variable(environment, variable, value, message):
    environment.setenv(variable, value)
    reader = {"DATABASE_URL": config.database, "REDIS_URL": config.redis_url, "EMAIL_URL": config.email}.get(
        variable, config.debug
    )
    with pytest.raises(config.ConfigError) as error:
        reader()
    assert str(error.value).startswith(message)


def test_email_url_with_credentials_and_starttls(environment):
    environment.setenv("EMAIL_URL", "smtp+tls://user%40org:p%2Fw@smtp.example.org:2525?timeout=7")
    assert config.email() == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "user@org",
        "EMAIL_HOST_PASSWORD": "p/w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 7,
    }


def test_production_requires_a_secret_key(environment):
    environment.setenv("DJANGO_DEBUG", "0")
    with pytest.raises(config.ConfigError, match="DJANGO_SECRET_KEY must be set"):
        config.secret_key(debug=False)


def test_the_embedded_default_makes_a_random_key_per_installation_and_keeps_it(environment, tmp_path):
    environment.setattr(config, "VAR_DIR", tmp_path / "first")
    key = config.secret_key(debug=True)
    path = tmp_path / "first" / "secret_key"
    assert path.read_text() == key + "\n"
    assert (path.stat().st_mode & 0o777, len(key)) == (0o600, 67)
    assert config.secret_key(debug=True) == key

    environment.setattr(config, "VAR_DIR", tmp_path / "second")
    assert config.secret_key(debug=True) not in {key, "django-insecure-embedded-default-only-for-DEBUG"}
    assert sorted(p.name for p in (tmp_path / "second").iterdir()) == ["secret_key"]


def test_a_key_file_readable_by_others_is_made_private(environment, tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("k" * 60 + "\n")
    path.chmod(0o644)
    assert config.installation_secret_key(path) == "k" * 60
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_variable_wins_over_the_installation_key(environment, tmp_path):
    environment.setattr(config, "VAR_DIR", tmp_path)
    environment.setenv("DJANGO_SECRET_KEY", "from-the-environment")
    assert config.secret_key(debug=True) == "from-the-environment"
    assert list(tmp_path.iterdir()) == []


def test_processes_starting_together_share_one_key(tmp_path):
    script = "import sys; from pathlib import Path; from compact_portal import config; "
    script += "print(config.installation_secret_key(Path(sys.argv[1])))"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "secret_key")], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert keys == {(tmp_path / "secret_key").read_text().strip()}


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_manage_py_stops_with_one_line_naming_the_variable():
    result = _manage("check", DATABASE_URL="mysql-ish://nope")
    assert result.returncode == 2
    assert result.stderr == (
        "configuration error: DATABASE_URL must be a postgres:// or sqlite:// URL, not 'mysql-ish://nope'\n"
    )


def test_check_services_names_an_unreachable_database(tmp_path):
    result = _manage("check_services", DATABASE_URL="postgres://postgres@127.0.0.1:9/nothing", VAR_DIR=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("CommandError: DATABASE_URL: cannot connect to the database (")
    assert "Traceback" not in result.stderr


def test_deploy_check_is_clean_in_production_mode(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="portal.example.org",
        VAR_DIR=str(tmp_path),
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_trusted_proxies_from_the_environment(environment):
    assert (config.trusted_proxy_count(), config.trusted_client_ip_header()) == (0, None)
    environment.setenv("TRUSTED_PROXY_COUNT", "2")
    environment.setenv("TRUSTED_CLIENT_IP_HEADER", "X-Real-IP")
    assert (config.trusted_proxy_count(), config.trusted_client_ip_header()) == (2, "X-Real-IP")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT must be a whole number of proxies (0, 1, 2…), not 'one'"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be a whole number of proxies (0, 1, 2…), not '-1'"),
        (
            "TRUSTED_CLIENT_IP_HEADER",
            "X-Real-IP: 1",
            "TRUSTED_CLIENT_IP_HEADER must be a header name such as X-Real-IP, not 'X-Real-IP: 1'",
        ),
    ],
)
def test_a_wrong_proxy_setting_names_its_variable(environment, variable, value, message):
    environment.setenv(variable, value)
    reader = config.trusted_proxy_count if variable == "TRUSTED_PROXY_COUNT" else config.trusted_client_ip_header
    with pytest.raises(config.ConfigError) as error:
        reader()
    assert str(error.value) == message


def test_the_proxy_settings_reach_allauth(tmp_path):
    script = "from allauth import app_settings as a; print(a.TRUSTED_PROXY_COUNT, a.TRUSTED_CLIENT_IP_HEADER)"
    result = _manage(
        "shell", "-c", script, TRUSTED_PROXY_COUNT="1", TRUSTED_CLIENT_IP_HEADER="X-Real-IP", VAR_DIR=str(tmp_path)
    )
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "1 X-Real-IP"), result.stderr
