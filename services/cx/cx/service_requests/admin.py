from django.contrib import admin

from cx.service_requests.models import CatalogService, Complaint, ServiceRequest

admin.site.register(CatalogService)
admin.site.register(ServiceRequest)
admin.site.register(Complaint)
