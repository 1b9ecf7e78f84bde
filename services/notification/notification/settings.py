from smart360 import env
from smart360.settings import service_settings

globals().update(service_settings("notification", apps=["notification.messaging"]))

# Mail goes to a real SMTP server: the dev server in the local stack, a provider in production.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.optional("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.integer("EMAIL_PORT", 1025)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.optional("DEFAULT_FROM_EMAIL", "Smart360 <no-reply@smart360.dev>")
