from django.contrib import admin

from cx.consumers.models import Account, ConnectionRequest, Consumer

admin.site.register(Consumer)
admin.site.register(Account)
admin.site.register(ConnectionRequest)
