"""The WSGI entry point of every service: gunicorn smart360.django.wsgi:application.

DJANGO_SETTINGS_MODULE picks the service.
"""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
