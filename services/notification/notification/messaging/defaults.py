"""The platform's default templates (tenant NULL), seeded by migration; a tenant's own override
them. Each uses only the variables its event offers (tests validate every one)."""

from __future__ import annotations

SIGN = "\n-- {{ tenant_name|default:'Smart360' }}\n"

TEMPLATES: list[dict[str, str]] = [
    # cx.consumer.created: the consumer number (the welcome waits for the connection)
    {"event_type": "cx.consumer.created", "channel": "email", "locale": "en",
     "subject": "Your consumer number, {{ name }}",
     "body": "Hello {{ name }},\n\nYour consumer number is {{ number }}.\n"
             "Keep it at hand when you contact us.\n" + SIGN},
    {"event_type": "cx.consumer.created", "channel": "email", "locale": "es",
     "subject": "Su número de cliente, {{ name }}",
     "body": "Hola {{ name }},\n\nSu número de cliente es {{ number }}.\n" + SIGN},
    {"event_type": "cx.consumer.created", "channel": "sms", "locale": "en", "subject": "",
     "body": "{{ name }}, your consumer number is {{ number }}."},
    # cx.connection.activated: the welcome, once there is a connected account
    {"event_type": "cx.connection.activated", "channel": "email", "locale": "en",
     "subject": "Welcome, {{ name }}: your connection {{ account_number }} is active",
     "body": "Hello {{ name }},\n\nYour connection is now active: account {{ account_number }}"
             " at {{ premise }}, meter {{ meter_serial }}.\n" + SIGN},
    {"event_type": "cx.connection.activated", "channel": "sms", "locale": "en", "subject": "",
     "body": "Your connection is active. Account {{ account_number }}."},
    {"event_type": "cx.connection.activated", "channel": "in_app", "locale": "en",
     "subject": "Connection active",
     "body": "Account {{ account_number }} is connected."},
    # bx.bill.issued: the bill, with its PDF linked
    {"event_type": "bx.bill.issued", "channel": "email", "locale": "en",
     "subject": "Your bill {{ number }}: {{ total }} {{ currency }} due {{ due_date }}",
     "body": "Hello {{ name }},\n\nYour bill {{ number }} for account {{ account_number }} "
             "({{ period_start }} to {{ period_end }}, {{ consumption }} units) is "
             "{{ total }} {{ currency }}, due on {{ due_date }}.\n\n"
             "Download it: {{ pdf_url }}\n" + SIGN},
    {"event_type": "bx.bill.issued", "channel": "sms", "locale": "en", "subject": "",
     "body": "Bill {{ number }}: {{ total }} {{ currency }} due {{ due_date }}."},
    {"event_type": "bx.bill.issued", "channel": "in_app", "locale": "en",
     "subject": "New bill {{ number }}",
     "body": "{{ total }} {{ currency }} due on {{ due_date }}."},
    # rx.payment.received: receipt
    {"event_type": "rx.payment.received", "channel": "email", "locale": "en",
     "subject": "Receipt {{ receipt_number }}: {{ amount }} received",
     "body": "Hello {{ name }},\n\nWe received {{ amount }} {{ currency }} ({{ method }}, "
             "ref. {{ reference }}) for account {{ account_number }}. Receipt "
             "{{ receipt_number }}. Balance now {{ balance_after }}.\n" + SIGN},
    {"event_type": "rx.payment.received", "channel": "sms", "locale": "en", "subject": "",
     "body": "Payment of {{ amount }} received. Receipt {{ receipt_number }}."},
    {"event_type": "rx.payment.received", "channel": "in_app", "locale": "en",
     "subject": "Payment received", "body": "{{ amount }} received, receipt {{ receipt_number }}."},
    # rx.reminder.due: reminder and final notice
    {"event_type": "rx.reminder.due", "channel": "email", "locale": "en",
     "subject": "{% if stage == 'FINAL_NOTICE' %}Final notice{% else %}Payment reminder"
                "{% endif %}: account {{ account_number }}",
     "body": "Hello {{ name }},\n\n{{ overdue }} {{ currency }} on account {{ account_number }} "
             "is overdue since {{ oldest_due_date }} (balance {{ balance }}).\n"
             "{% if stage == 'FINAL_NOTICE' %}This is the final notice: without payment the "
             "connection will be disconnected.{% else %}Please pay at your earliest "
             "convenience.{% endif %}\n" + SIGN},
    {"event_type": "rx.reminder.due", "channel": "sms", "locale": "en", "subject": "",
     "body": "{% if stage == 'FINAL_NOTICE' %}FINAL NOTICE{% else %}Reminder{% endif %}: "
             "{{ overdue }} overdue on {{ account_number }}."},
    # wx: the technician's assignment, the consumer's completion
    {"event_type": "wx.workorder.assigned", "channel": "email", "locale": "en",
     "subject": "Work order {{ number }} assigned to you",
     "body": "Hello {{ technician_name }},\n\nWork order {{ number }} ({{ kind }}, for "
             "{{ source }}) is yours{% if due_at %}, due {{ due_at }}{% endif %}.\n" + SIGN},
    {"event_type": "wx.workorder.completed", "channel": "email", "locale": "en",
     "subject": "Work order {{ number }} completed",
     "body": "Hello {{ name }},\n\nThe {{ kind }} work ({{ number }}) for your account "
             "{{ account_number }} was completed on {{ completed_at }}.\n" + SIGN},
    # onboarding.tariff.activated: tariff change notice to the plan's accounts
    {"event_type": "onboarding.tariff.activated", "channel": "email", "locale": "en",
     "subject": "New tariff from {{ effective_from }}",
     "body": "Hello {{ name }},\n\nA new tariff (version {{ tariff_version }}) applies to your "
             "account {{ account_number }} from {{ effective_from }}.\n" + SIGN},
    # ax.cover.expiring: to the cover's contact
    {"event_type": "ax.cover.expiring", "channel": "email", "locale": "en",
     "subject": "{{ name }} ({{ kind }}) expires on {{ expires_on }}",
     "body": "The {{ kind }} {{ name }} with {{ provider }} expires on {{ expires_on }}. "
             "Renew it in time.\n" + SIGN},
]
