"""Lodestar's one settings module, driven by the environment.

Every value that differs between a laptop and production comes from an environment
variable. A bad value stops the service at start with a message that names the variable,
rather than letting it run half-configured.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext

from lodestar.env import env_bool, env_int, env_list, env_secret, env_str, parse_database_url

# Lets the code write QuerySet[Model] and ModelForm[Model] at run time, as the types say.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LODESTAR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
# There is no random fallback: a random key would silently sign everyone out on every
# restart and differ between workers. `make run` writes a development key to var/.
SECRET_KEY = env_secret("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env_str("SITE_NAME", "Lodestar")

# Production deployments sit behind TLS; `make run` serves plain HTTP on localhost.
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "lodestar.accounts",
    "lodestar.core",
    "lodestar.audit",
    "lodestar.governance",
    "lodestar.strategy",
    "lodestar.delivery",
    "lodestar.performance",
    "lodestar.risk",
    "lodestar.api",
    # Serves the API docs page's Swagger UI from our own static files, not a CDN.
    "ninja",
    *env_list("LODESTAR_EXTRA_APPS", default=[]),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lodestar.core.middleware.reject_nul_bytes",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lodestar.accounts.middleware.require_two_factor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes goes last so that it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lodestar.urls"
WSGI_APPLICATION = "lodestar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lodestar" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lodestar.core.context_processors.organisations",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lodestar.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in rate limiting (django-axes): lock a username and address pair after repeated
# failures, so that one person's mistakes do not lock out a whole trust behind a NAT.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# Two-factor authentication: optional for everyone, required for administrators when
# REQUIRE_ADMIN_2FA is on (the default outside DEBUG).
REQUIRE_ADMIN_2FA = env_bool("REQUIRE_ADMIN_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME

# OpenID Connect single sign-on (Microsoft Entra ID or any other provider).
OIDC_ENABLED = env_bool("OIDC_ENABLED", default=False)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("lodestar.accounts.oidc.LodestarOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_secret("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", default=False)
    LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
    # Tells people why single sign-on failed, and resolves the URL name above.
    OIDC_CALLBACK_CLASS = "lodestar.accounts.oidc.LodestarOIDCCallbackView"
    # Single sign-on failures mean "no account here", not password guessing; see the
    # function for why axes must not count them.
    AXES_WHITELIST_CALLABLE = "lodestar.accounts.oidc.is_single_sign_on_attempt"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# collectstatic fills this for production; it exists from the start so WhiteNoise can watch it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "lodestar" / "static"]
# The NHS.UK frontend's compiled CSS refers to its images by absolute /assets/ URLs, so
# WhiteNoise serves the package's assets folder at the site root as well.
NHSUK_FRONTEND_DIR = BASE_DIR / "lodestar" / "static" / "vendor" / "nhsuk-frontend"
WHITENOISE_ROOT = NHSUK_FRONTEND_DIR / "root"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded evidence. It is never served directly: a view checks who may read it first.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Django's own logger would otherwise print each message twice: once itself and
    # once through the root logger above.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

NINJA_PAGINATION_PER_PAGE = 100
