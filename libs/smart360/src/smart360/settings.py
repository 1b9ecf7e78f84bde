"""The settings base every service uses: registry defaults, everything else from the environment.

A service's settings module is two lines::

    from smart360.settings import service_settings
    globals().update(service_settings("cx", apps=["cx.consumers"]))

Nothing exists only in production: the same code reads the same variables everywhere, and a
missing required variable stops start-up with its name.
"""

from __future__ import annotations

from typing import Any

from smart360 import env
from smart360.celery.config import celery_settings
from smart360.logging import logging_config
from smart360.registry import load

PLATFORM_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "smart360.django.apps.PlatformConfig",  # job runs, idempotency keys
    "smart360.jobs.apps.JobsConfig",
    "smart360.events.apps.EventsConfig",  # outbox + inbox tables in every service database
    "smart360.domain.apps.DomainConfig",  # tenant profile, ID formats, number sequences
    "smart360.observability.apps.ObservabilityConfig",  # task and beat metrics hooks
]

MIDDLEWARE = [
    # Health first: load balancers probe with their own Host header and need no session.
    "smart360.django.middleware.HealthCheckMiddleware",
    "smart360.observability.django.MetricsMiddleware",  # requests by route; /<name>/metrics
    "smart360.django.middleware.RequestContextMiddleware",
    "smart360.observability.django.TracingMiddleware",  # a span per request; gone when tracing is off
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "smart360.django.middleware.AdminLoginThrottle",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def https_settings(gateway_url: str) -> dict[str, Any]:
    """Behind HTTPS (any environment whose gateway URL is https): HSTS, redirect to HTTPS, and
    cookies that never travel in clear. Probes are answered before the redirect (middleware)."""
    if not gateway_url.startswith("https://"):
        return {}
    return {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def database_settings(service: str) -> dict[str, Any]:
    svc = load().service(service)
    return {
        "ENGINE": "smart360.django.db",
        "HOST": env.required("DATABASE_HOST"),
        "PORT": env.integer("DATABASE_PORT", 6432),
        "NAME": env.optional("DATABASE_NAME", svc.database),
        "USER": env.optional("DATABASE_USER", svc.db_role),
        "PASSWORD": env.required("DATABASE_PASSWORD"),
        # Persistent connections: a new PgBouncer login costs ~12 ms of password hashing.
        "CONN_MAX_AGE": env.integer("DATABASE_CONN_MAX_AGE", 600),
        "CONN_HEALTH_CHECKS": True,
        # PgBouncer transaction pooling: no server-side prepared statements or cursors.
        "DISABLE_SERVER_SIDE_CURSORS": True,
        "OPTIONS": {"prepare_threshold": None, "application_name": service},
        "TEST": {"NAME": f"test_{svc.database}"},
    }


def service_settings(service: str, *, apps: list[str]) -> dict[str, Any]:
    svc = load().service(service)
    role = env.optional("SMART360_ROLE", "web")
    debug = env.boolean("DJANGO_DEBUG", False)
    return {
        "SMART360_SERVICE": service,
        "SMART360_ROLE": role,
        "SECRET_KEY": env.required("DJANGO_SECRET_KEY"),
        "DEBUG": debug,
        "ALLOWED_HOSTS": env.listing("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1"),
        "CSRF_TRUSTED_ORIGINS": env.listing("DJANGO_CSRF_TRUSTED_ORIGINS", ""),
        # The load balancer (ALB; HAProxy locally) terminates TLS and says so in this header;
        # the Host header is the client's own (no X-Forwarded-Host: it would let a client pick
        # the host Django builds absolute links with).
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        **https_settings(env.optional("SMART360_GATEWAY_URL", "")),
        "INSTALLED_APPS": PLATFORM_APPS + apps,
        "MIDDLEWARE": MIDDLEWARE,
        "ROOT_URLCONF": f"{svc.package}.urls",
        "WSGI_APPLICATION": "smart360.django.wsgi.application",
        "DATABASES": {"default": database_settings(service)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": env.redis_url(),
                "KEY_PREFIX": service,  # one Redis, key-prefixed per service
                "OPTIONS": {"serializer": "smart360.django.cache.JSONSerializer"},
            }
        },
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LANGUAGE_CODE": "en",
        "STATIC_URL": f"{svc.prefix}static/",
        "STATIC_ROOT": env.optional("DJANGO_STATIC_ROOT", "") or None,  # set in images (collectstatic)
        "WHITENOISE_USE_FINDERS": True,  # serve app static without collectstatic in dev/test
        "WHITENOISE_AUTOREFRESH": debug,
        "LOGIN_URL": f"{svc.prefix}admin/login/",
        # Argon2 for every password (each service's admin users too); PBKDF2 only verifies old
        # hashes, which are upgraded at the next login.
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
        # Mail goes to a real SMTP server: the dev server of the local stack, a provider in prod.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": env.optional("EMAIL_HOST", "127.0.0.1"),
        "EMAIL_PORT": env.integer("EMAIL_PORT", 1025),
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": env.optional("DEFAULT_FROM_EMAIL", "Smart360 <no-reply@smart360.dev>"),
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "REST_FRAMEWORK": {
            "DEFAULT_SCHEMA_CLASS": "smart360.api.schema.AutoSchema",
            "EXCEPTION_HANDLER": "smart360.errors.problem_exception_handler",
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_CONTENT_NEGOTIATION_CLASS": "smart360.django.negotiation.JSONOnlyNegotiation",
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            # Domain APIs need a valid token (verified locally against auth's JWKS); probes,
            # ping, schema and docs are plain or AllowAny views.
            "DEFAULT_AUTHENTICATION_CLASSES": [
                "smart360.identity.authentication.JWTAuthentication"
            ],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "UNAUTHENTICATED_USER": None,
            # Throttles count per client address: the hops in front of Django (the ALB in AWS,
            # HAProxy locally) each append to X-Forwarded-For; the client's is the one before.
            "NUM_PROXIES": env.integer("SMART360_PROXY_HOPS", 1),
            # Public views (no token) are throttled per client address by their scope.
            "DEFAULT_THROTTLE_RATES": {
                "anon": env.optional("THROTTLE_ANON_RATE", "60/min"),
                "login": env.optional("AUTH_LOGIN_RATE", "30/min"),  # password guessing
                "anon_mail": env.optional("AUTH_MAIL_RATE", "10/min"),  # each sends a mail
                "token_link": env.optional("AUTH_LINK_RATE", "60/min"),  # links from those mails
                "refresh": env.optional("AUTH_REFRESH_RATE", "120/min"),
                # Per address tried (login, sign-up, reset, resend), whatever client asks.
                "per_email": env.optional("AUTH_EMAIL_RATE", "30/hour"),
            },
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": f"Smart360 {service}",
            "DESCRIPTION": svc.description,
            "VERSION": "v1",
            "SCHEMA_PATH_PREFIX": f"{svc.prefix}api/v1",
            "SERVE_INCLUDE_SCHEMA": False,
            # Request and response shapes apart: a request says what it refuses (minLength).
            "COMPONENT_SPLIT_REQUEST": True,
            "POSTPROCESSING_HOOKS": ["smart360.api.schema.enums_named_after_models",
                                     "smart360.api.schema.problem_media_type"],
            "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
            "SERVE_AUTHENTICATION": [],
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
        },
        "LOGGING": logging_config(),
        **celery_settings(svc),
    }
