from django.contrib import admin

from notification.messaging.models import (
    Contact,
    ContactAccount,
    Delivery,
    InAppMessage,
    Message,
    Preference,
    Template,
)

admin.site.register([Delivery, Template, Contact, ContactAccount, Preference, Message,
                     InAppMessage])
