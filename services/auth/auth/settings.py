from smart360 import env
from smart360.settings import service_settings

globals().update(service_settings("auth", apps=["auth.accounts", "auth.tokens"]))

AUTH_USER_MODEL = "accounts.User"
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
