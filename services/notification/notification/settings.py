from pathlib import Path

from smart360 import env
from smart360.registry import load
from smart360.settings import service_settings

globals().update(service_settings("notification", apps=["notification.messaging"]))

# Mail: any SMTP server. Amazon SES through its SMTP interface: EMAIL_HOST=email-smtp.<region>.
# amazonaws.com, EMAIL_PORT=587, EMAIL_USE_TLS=true and the SMTP credentials.
EMAIL_HOST_USER = env.optional("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.optional("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.optional("EMAIL_USE_TLS", "false").lower() in ("1", "true", "yes")

# Providers per channel (dotted paths); the defaults are the dev SMTP server and local sinks.
NOTIFICATION_PROVIDERS: dict[str, str] = {
    channel: path for channel, path in (
        ("email", env.optional("NOTIFICATION_EMAIL_PROVIDER", "")),
        ("sms", env.optional("NOTIFICATION_SMS_PROVIDER", "")),
        ("whatsapp", env.optional("NOTIFICATION_WHATSAPP_PROVIDER", "")),
    ) if path
}
# Messages per second per provider (0 = unlimited), shared by every worker (Redis).
NOTIFICATION_RATE_LIMITS = {
    "smtp": env.integer("NOTIFICATION_SMTP_RATE", 0),
    "sms-sink": env.integer("NOTIFICATION_SMS_RATE", 0),
    "whatsapp-sink": env.integer("NOTIFICATION_WHATSAPP_RATE", 0),
}
# SMTP connections one send batch uses in parallel (threads): a send waits on round trips.
NOTIFICATION_SMTP_CONNECTIONS = env.integer("NOTIFICATION_SMTP_CONNECTIONS", 4)
# Where the SMS / WhatsApp sinks write (next to the dev SMTP server's maildir; `smart360 sms`).
_mail_dir = env.optional("SMART360_MAIL_DIR", "")
NOTIFICATION_SINK_DIR = env.optional(
    "NOTIFICATION_SINK_DIR",
    str(Path(_mail_dir).parent / "sms") if _mail_dir else str(load().root / ".state" / "local" / "sms"))
# Links in messages (bill PDFs, unsubscribe) are absolute, under the public gateway.
NOTIFICATION_PUBLIC_URL = env.optional("NOTIFICATION_PUBLIC_URL",
                                       env.optional("SMART360_GATEWAY_URL", "http://localhost:8080"))
NOTIFICATION_UNSUBSCRIBE_DAYS = env.integer("NOTIFICATION_UNSUBSCRIBE_DAYS", 365)
# Seconds a send waits for a document it attaches (bx's bill PDF) before it is a retry.
NOTIFICATION_ATTACHMENT_TIMEOUT = env.integer("NOTIFICATION_ATTACHMENT_TIMEOUT", 10)
# Status callbacks from providers are signed: hex HMAC-SHA256 of the body with this secret.
NOTIFICATION_CALLBACK_SECRET = env.optional("NOTIFICATION_CALLBACK_SECRET", "")

# Several choice sets share a field name (status, channel, category): name each enum once.
SPECTACULAR_SETTINGS = {
    **globals()["SPECTACULAR_SETTINGS"],
    "ENUM_NAME_OVERRIDES": {
        "DeliveryStatusEnum": "notification.messaging.models.Delivery.Status",
        "MessageStatusEnum": "notification.messaging.models.Message.Status",
        "ChannelEnum": "notification.messaging.models.Channel",
        "CategoryEnum": "notification.messaging.models.Category",
        "PreferenceChannelEnum": ["email", "sms", "whatsapp", "in_app", "*"],
        "PreferenceCategoryEnum": ["account", "billing", "service", "marketing", "*"],
        "ProviderReportStatusEnum": ["delivered", "failed"],
    },
}
