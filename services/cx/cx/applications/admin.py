from django.contrib import admin

from cx.applications.models import Application, ApplicationDocument

admin.site.register(Application)
admin.site.register(ApplicationDocument)
