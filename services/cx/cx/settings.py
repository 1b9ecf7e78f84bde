from smart360 import env
from smart360.registry import load
from smart360.settings import service_settings

globals().update(service_settings("cx", apps=["cx.setup", "cx.consumers", "cx.applications",
                                              "cx.service_requests"]))

# Application documents go through Django's default storage: S3 when a bucket is set (production:
# the task role's credentials), else files under the local stack's state folder. Either way they
# are served only through the API, never from a public URL.
MEDIA_ROOT = env.optional("SMART360_MEDIA_ROOT", str(load().root / ".state" / "local" / "media" / "cx"))
DOCUMENTS_BUCKET = env.optional("CX_DOCUMENTS_BUCKET", "")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_BUCKET,
            "region_name": env.optional("AWS_REGION", load().cluster.region),
            "default_acl": None,  # private; the bucket policy decides
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    } if DOCUMENTS_BUCKET else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "directory_permissions_mode": 0o750,
                    "file_permissions_mode": 0o640},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# How long an application waits for onboarding's configuration events to be projected here when
# it refers to a service, area, category or plan not seen yet (see applications.services).
CX_SETUP_WAIT_SECONDS = float(env.optional("CX_SETUP_WAIT_SECONDS", "3"))
