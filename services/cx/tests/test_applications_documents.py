"""Documents of an application: multipart upload, stored through Django's storage (a folder here,
S3 by setting), listed, downloaded through the API only, tenant-scoped."""

from __future__ import annotations

import hashlib
import runpy

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

import cx.settings
from cx.applications.models import Application, ApplicationDocument

pytestmark = pytest.mark.django_db
URL = "/cx/api/v1/applications/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def application(as_admin, application_body) -> dict:
    return as_admin.post(URL, application_body, format="json").json()


def upload(client, app_id, content=PDF, name="id.pdf", kind="id_proof"):
    return client.post(f"{URL}{app_id}/documents/",
                       {"kind": kind, "file": SimpleUploadedFile(name, content)}, format="multipart")


def test_a_document_is_uploaded_listed_and_downloaded_as_it_was(as_admin, application, settings):
    response = upload(as_admin, application["id"])
    assert response.status_code == 201, response.json()
    doc = response.json()
    assert (doc["kind"], doc["name"], doc["content_type"], doc["size"]) == (
        "id_proof", "id.pdf", "application/pdf", len(PDF))
    assert doc["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = ApplicationDocument.objects.get()
    assert stored.file.name.startswith(f"applications/{stored.tenant_id}/{application['number']}/")
    assert storages["default"].exists(stored.file.name)

    listed = as_admin.get(f"{URL}{application['id']}/documents/").json()["results"]
    assert [d["id"] for d in listed] == [doc["id"]]
    assert [d["id"] for d in as_admin.get(f"{URL}{application['id']}/").json()["documents"]] == [doc["id"]]

    download = as_admin.get(f"{URL}{application['id']}/documents/{doc['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="id.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_images_are_accepted_and_served_with_their_type(as_admin, application):
    doc = upload(as_admin, application["id"], PNG, "plan.png", "site_plan").json()
    download = as_admin.get(f"{URL}{application['id']}/documents/{doc['id']}/download/")
    assert download["Content-Type"] == "image/png"


@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00 not a document", "id.pdf"),  # the name does not make it a PDF
    (b"", "empty.pdf"),
])
def test_only_pdf_png_or_jpeg_files_are_kept(as_admin, application, content, name):
    response = upload(as_admin, application["id"], content, name)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert not ApplicationDocument.objects.exists()


def test_a_document_body_must_be_multipart(as_admin, application):
    response = as_admin.post(f"{URL}{application['id']}/documents/", {"kind": "id_proof"}, format="json")
    assert response.status_code == 415
    missing = as_admin.post(f"{URL}{application['id']}/documents/", {"kind": "id_proof"},
                            format="multipart")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "file"


def test_only_the_documents_view_takes_multipart(as_admin, application_body):
    body = {"applicant.name": "A", "address": "x"}
    assert as_admin.post(URL, body, format="multipart").status_code == 415


def test_documents_are_refused_once_the_application_is_past_installation(as_admin, application):
    Application.objects.filter(pk=application["id"]).update(stage="REJECTED")
    response = upload(as_admin, application["id"])
    assert response.status_code == 409
    assert response.json()["current"] == "REJECTED"
    assert not ApplicationDocument.objects.exists()


def test_another_tenants_documents_are_404(as_admin, as_other_tenant, application):
    doc = upload(as_admin, application["id"]).json()
    assert upload(as_other_tenant, application["id"]).status_code == 404
    assert as_other_tenant.get(f"{URL}{application['id']}/documents/").status_code == 404
    assert as_other_tenant.get(
        f"{URL}{application['id']}/documents/{doc['id']}/download/").status_code == 404
    assert as_admin.get(f"{URL}{application['id'] + 1}/documents/{doc['id']}/download/").status_code == 404


@mock_aws
def test_with_a_bucket_set_documents_go_to_s3(as_admin, application, settings):
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="cx-documents")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "cx-documents", "region_name": "us-east-1", "default_acl": None,
                    "file_overwrite": False}}}
    doc = upload(as_admin, application["id"]).json()
    key = ApplicationDocument.objects.get().file.name
    body = boto3.client("s3", region_name="us-east-1").get_object(Bucket="cx-documents", Key=key)["Body"]
    assert body.read() == PDF
    download = as_admin.get(f"{URL}{application['id']}/documents/{doc['id']}/download/")
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(("bucket", "backend"), [
    ("", "django.core.files.storage.FileSystemStorage"),
    ("smart360-cx-documents", "storages.backends.s3.S3Storage"),
])
def test_the_storage_is_chosen_by_setting(monkeypatch, tmp_path, bucket, backend):
    """Production sets CX_DOCUMENTS_BUCKET; without it files stay under the state folder."""
    monkeypatch.setenv("CX_DOCUMENTS_BUCKET", bucket)
    monkeypatch.setenv("SMART360_MEDIA_ROOT", str(tmp_path))
    default = runpy.run_path(cx.settings.__file__)["STORAGES"]["default"]
    assert default["BACKEND"] == backend
    options = default["OPTIONS"]
    assert options.get("bucket_name", options.get("location")) == (bucket or str(tmp_path))
