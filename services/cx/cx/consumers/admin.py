from django.contrib import admin

from cx.consumers.models import Consumer, ServiceRequest

admin.site.register(Consumer)
admin.site.register(ServiceRequest)
