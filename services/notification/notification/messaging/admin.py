from django.contrib import admin

from notification.messaging.models import Delivery, Template

admin.site.register([Delivery, Template])
