from smart360 import env
from smart360.settings import service_settings

globals().update(service_settings("auth", apps=["auth.accounts", "auth.tokens"]))

AUTH_USER_MODEL = "accounts.User"
# Argon2 first (new hashes); the others only verify old hashes and are upgraded on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# auth verifies its own tokens from its own keys (no HTTP call to itself).
SMART360_JWKS_PROVIDER = "auth.tokens.keys.jwks_document"
SMART360_PUBLIC_URL = env.optional(
    "SMART360_PUBLIC_URL", env.optional("SMART360_GATEWAY_URL", "http://127.0.0.1:8000")
)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.optional("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.integer("EMAIL_PORT", 1025)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.optional("DEFAULT_FROM_EMAIL", "Smart360 <no-reply@smart360.dev>")
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F821 (from service_settings)
    "DEFAULT_THROTTLE_RATES": {
        "login": env.optional("AUTH_LOGIN_RATE", "30/min"),
        "anon_mail": env.optional("AUTH_MAIL_RATE", "10/min"),
    },
}
