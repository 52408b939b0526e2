"""Settings for Compact Portal, grouped by topic. Values come from compact_portal.config (the environment)."""

from datetime import timedelta

from kombu import Queue

from compact_portal import config

BASE_DIR = config.BASE_DIR
VAR_DIR = config.VAR_DIR

# --- Core ------------------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
DEBUG = config.debug()
SECRET_KEY = config.secret_key(debug=DEBUG)
AUDIT_CHAIN_KEY = config.audit_chain_key(secret_key=SECRET_KEY)
ALLOWED_HOSTS = config.allowed_hosts(debug=DEBUG)
CSRF_TRUSTED_ORIGINS = config.env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form is explained in the portal's frame and language (what happened, nothing saved, how to send it again).
CSRF_FAILURE_VIEW = "compact_portal.views.csrf_failure"
ROOT_URLCONF = "compact_portal.urls"
WSGI_APPLICATION = "compact_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "compact_portal",
    "audit.apps.AuditConfig",
    "sessions.apps.SessionsConfig",
    "registrations.apps.RegistrationsConfig",
    "outbox.apps.OutboxConfig",
    "invitations.apps.InvitationsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "compact_portal.middleware.AdminInEnglishMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "registrations.middleware.StaffTwoFactorMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "registrations.context_processors.portal_areas",
                "compact_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/
DATABASES = {"default": config.database()}

# --- Cache ------------------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/ ; shared (Redis) whenever REDIS_URL is set.
REDIS_URL = config.redis_url()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "compact_portal.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public pages (sessions/public_cache.py): keys that change with the content, kept in each process's memory and
# shared through the default cache, so a page is rendered once for all processes and then read without a round trip.
CACHES["public_pages"] = {"BACKEND": "compact_portal.page_cache.VersionedPageCache", "TIMEOUT": 24 * 3600}

# --- Sessions -----------------------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/#using-cached-sessions ; with Redis (shared by every
# process), a signed-in request reads its session from Redis (one GET) instead of the database, which still holds
# every session (written through: nothing is lost if Redis is emptied). In the embedded default the cache is each
# process's own memory: a sign-out in one process would not reach another's copy, so sessions stay in the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- Authentication ------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (django-allauth) --------------------------------------------------------------------------------
# https://docs.allauth.org/en/latest/account/configuration.html ; https://docs.allauth.org/en/latest/mfa/configuration.html
# Sign-in by e-mail address only, verified before first use. The admin's login is allauth's (compact_portal/urls.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"  # replaces admin:login: one door for everyone
LOGIN_REDIRECT_URL = "registrations:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "sessions:list"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Confirming the address signs the new account in. allauth does so only in the browser that signed up (the session
# holds the pending login: a link forwarded to someone else signs no one in), and only within ACCOUNT_LOGIN_TIMEOUT of
# the sign-up: a day, as people read their mail later than allauth's 15 minutes. Elsewhere or later: sign in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_TIMEOUT = 24 * 60 * 60
ACCOUNT_ADAPTER = "registrations.accounts.AccountAdapter"  # username = e-mail address, as the demo accounts have
# Rate limits: allauth's defaults, counted in the default cache (Redis, shared by all web processes, with REDIS_URL):
# failed logins 10 a minute per client address and 5 per 5 minutes per account. Behind a reverse proxy the client's
# address comes from the proxy's header, at the configured depth; without it every client would share the proxy's
# address, and ten failures anywhere would lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = config.trusted_proxy_count()
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = config.trusted_client_ip_header()
MFA_ADAPTER = "registrations.accounts.MFAAdapter"  # QR codes drawn with segno
MFA_FORMS = {"activate_totp": "registrations.accounts.ActivateTOTPForm"}  # staff: an enrolment code too
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Compact Portal"
# Staff without TOTP are sent to set it up before they reach the admin. Off in the embedded default (demo logins).
STAFF_REQUIRE_TWO_FACTOR = config.env.bool("STAFF_REQUIRE_TWO_FACTOR", default=not DEBUG)
# A staff account sets up its second factor only with an enrolment code issued out of band (registrations.enrolment).
STAFF_ENROLMENT_CODE_HOURS = config.env.int("STAFF_ENROLMENT_CODE_HOURS", default=24)
# An account files at most this many focal-point requests awaiting the secretariat (each may carry a 10 MB PDF).
FOCAL_POINT_MAX_PENDING_REQUESTS = config.env.int("FOCAL_POINT_MAX_PENDING_REQUESTS", default=3)
# The secretariat's address people write to: the site's footer and the account e-mails' signature.
SECRETARIAT_CONTACT_EMAIL = config.env.str(
    "SECRETARIAT_CONTACT_EMAIL", default="secretariat@compact-portal.example.org"
)
# Where the portal is reached, for links in e-mails sent by workers (no request there).
PORTAL_BASE_URL = config.portal_base_url()  # PORTAL_BASE_URL, else http://127.0.0.1:$PORT

# --- Internationalisation ---------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/i18n/ ; the six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the catalogues (.po); `manage.py compilemessages` builds the .mo files
# Dates and numbers follow the active language (Django's formats), with the portal's few overrides and additions.
FORMAT_MODULE_PATH = ["compact_portal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/static-files/
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = config.env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploads that must never be served by the web server directly (notes verbales): served by views that check rights.
PRIVATE_MEDIA_ROOT = config.env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")

# --- E-mail ---------------------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/email/ ; EMAIL_URL, or .eml files under var/outbox/.
vars().update(config.email())
DEFAULT_FROM_EMAIL = config.env.str("DEFAULT_FROM_EMAIL", default="Compact Portal <noreply@compact-portal.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain that makes each delivery's Message-ID deterministic and recognisable after a resend.
MESSAGE_ID_DOMAIN = config.env.str("MESSAGE_ID_DOMAIN", default="compact-portal.example.org")

# --- Celery ---------------------------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html ; the database is the source of truth, the
# broker only carries wake-ups (see README, "Sending letters").
# A letter's render and send: hard limit, and the soft one 30 s before it.
CELERY_DEFAULT_TASK_TIME_LIMIT = config.env.int("CELERY_TASK_TIME_LIMIT", default=300)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Above the longest task and the longest retry countdown, so Redis never re-delivers a task still running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    # Kombu's transport with atomic writes (compact_portal/broker.py): its own lets the worker read half a message.
    CELERY_BROKER_TRANSPORT = "compact_portal.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        # The folder is polled: kombu's default 1 s sleep between looks left the 2 workers idle 75% of a dispatch
        # (bench/README.md). 10 ms costs ~1% of a core while idle.
        "polling_interval": 0.01,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = CELERY_DEFAULT_TASK_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_DEFAULT_TASK_TIME_LIMIT - 30
# WeasyPrint holds on to memory (fonts, images): recycle a rendering process after this many letters.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 600_000  # KiB
# Options Celery reads for every message it sends, stated at Celery's own defaults: one not stated here is looked
# for under four names in these settings, each a miss raising AttributeError (~10% of an apply_async's time).
# tests/compact_portal/test_celery_settings.py fails if sending a message misses one again (e.g. after an upgrade).
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_REPR_MAXLEVELS = 3
CELERY_TASK_SEND_SENT_EVENT = False
CELERY_BROKER_POOL_ACQUIRE_TIMEOUT = None
# Two queues, both consumed by every worker (no -Q needed): the sweeper and the mails it rescues go on their own,
# so they never wait behind a dispatch's letters, only for one worker process to be free. One sweeper (outbox.sweep)
# for every outgoing mail, letters included.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery", routing_key="celery"), Queue("sweeper", routing_key="sweeper")]
CELERY_TASK_ROUTES = {
    "outbox.sweep": {"queue": "sweeper"},
    "registrations.sweep_documents": {"queue": "sweeper"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.sweep",
        "schedule": timedelta(seconds=config.env.float("SWEEP_INTERVAL_SECONDS", default=15)),
    },
    "registrations-sweep-documents": {
        "task": "registrations.sweep_documents",
        "schedule": timedelta(seconds=config.env.float("SWEEP_INTERVAL_SECONDS", default=15)),
    },
    "registrations-close-due-non-objection-lists": {
        "task": "registrations.close_due_non_objection_lists",
        "schedule": timedelta(minutes=5),
    },
    "registrations-draw-due-dialogues": {
        "task": "registrations.draw_due_dialogues",
        "schedule": timedelta(minutes=5),
    },
    # Reminders to missions (and organizations) that have not answered, N days before the deadline: once each.
    "invitations-send-due-reminders": {
        "task": "invitations.send_due_reminders",
        "schedule": timedelta(minutes=10),
    },
}

# --- Letters (invitations app) ---------------------------------------------------------------------------------------
# Transient SMTP failures retry after base * 2**(attempt-1) seconds, capped; then the delivery fails.
INVITATIONS_RETRY_BASE_SECONDS = config.env.float("INVITATIONS_RETRY_BASE_SECONDS", default=30)
INVITATIONS_RETRY_MAX_SECONDS = config.env.float("INVITATIONS_RETRY_MAX_SECONDS", default=1800)
INVITATIONS_MAX_ATTEMPTS = config.env.int("INVITATIONS_MAX_ATTEMPTS", default=8)
# A delivery claimed longer ago than this is taken as lost with its worker even if the worker looks alive (a
# last resort: a dead worker is noticed by its heartbeat long before). Must exceed the task time limit.
INVITATIONS_SENDING_TIMEOUT_SECONDS = config.env.float(
    "INVITATIONS_SENDING_TIMEOUT_SECONDS", default=2 * CELERY_DEFAULT_TASK_TIME_LIMIT
)
# A letter renders in well under a second; one that takes longer than this fails its delivery with that reason
# (in the worker) or shows an error (in the admin's preview) instead of holding the process.
LETTER_RENDER_TIME_LIMIT_SECONDS = config.env.float("LETTER_RENDER_TIME_LIMIT_SECONDS", default=20)
LETTER_PREVIEW_TIME_LIMIT_SECONDS = config.env.float("LETTER_PREVIEW_TIME_LIMIT_SECONDS", default=10)
# An uploaded list of recipients (CSV) may have at most this many rows; longer lists are refused, to be split.
INVITATIONS_CSV_MAX_ROWS = config.env.int("INVITATIONS_CSV_MAX_ROWS", default=25_000)
# A queued delivery whose task has not run after this long is put on the broker again (the broker was down).
INVITATIONS_REQUEUE_AFTER_SECONDS = config.env.float("INVITATIONS_REQUEUE_AFTER_SECONDS", default=300)

# --- Long documents (lists of participants, confirmation letters' zip) ------------------------------------------
# A document whose worker process died (its heartbeat, below) is made again by the sweeper, at most
# DOCUMENTS_MAX_ATTEMPTS times in all; then it fails with the reason, and the page offers "Make again". One still
# "being made" after DOCUMENTS_RUNNING_TIMEOUT_SECONDS is taken as lost even if its worker looks alive (a last
# resort: keep it above the task's hard time limit, 3 h 5 min, registrations/documents.py).
DOCUMENTS_MAX_ATTEMPTS = config.env.int("DOCUMENTS_MAX_ATTEMPTS", default=2)
DOCUMENTS_RUNNING_TIMEOUT_SECONDS = config.env.float("DOCUMENTS_RUNNING_TIMEOUT_SECONDS", default=4 * 3600)

# --- Notifications ------------------------------------------------------------------------------------------------
# A representative's confirmation or decline is e-mailed this long after the decision: decisions toggled within it
# (a focal point clicking back and forth) make one e-mail, of the decision that stands.
REPRESENTATION_NOTICE_SETTLE_SECONDS = config.env.float("REPRESENTATION_NOTICE_SETTLE_SECONDS", default=60)

# --- Worker liveness (outbox app) -----------------------------------------------------------------------------------
# Each worker process records a heartbeat this often; one silent for longer than WORKER_DEAD_AFTER_SECONDS is dead
# and what it was sending is taken over (on the same host at once: its pid is gone). With the sweeper every
# SWEEP_INTERVAL_SECONDS, an orphaned delivery is sent again within dead-after + interval + one send (README).
WORKER_HEARTBEAT_SECONDS = config.env.float("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_DEAD_AFTER_SECONDS = config.env.float("WORKER_DEAD_AFTER_SECONDS", default=30)

# --- Security (production) ----------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = config.env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = config.env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Logging ------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
