"""Attachments: the type comes from the content, files are private, only participants get them,
clinicians' downloads are in the patient's access log, erasure deletes the files."""

from __future__ import annotations

import hashlib
import io
import struct
import uuid
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from rest_framework.test import APIClient

from care import privacy
from care import services as care
from messaging import attachments, services
from messaging.models import Attachment, Message
from records.models import AccessLogEntry

pytestmark = pytest.mark.django_db

LOGIN = {"backend": "accounts.backends.EmailBackend"}
GPS_IFD = 0x8825


# --- files made here ---------------------------------------------------------------------------


def picture(fmt="PNG", size=(40, 30), color=(200, 120, 40), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **options)
    return out.getvalue()


def photo_with_gps() -> bytes:
    """A JPEG as a phone writes it: maker, orientation (rotate 90°) and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6
    exif[GPS_IFD] = {1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 56.0)}
    return picture("JPEG", size=(64, 48), exif=exif.tobytes())


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files() -> list[str]:
    storage = attachments.storage()
    found = []
    for folder in storage.listdir("")[0] if storage.exists("") else []:
        found.extend(f"{folder}/{name}" for name in storage.listdir(folder)[1])
    return found


@pytest.fixture
def empty_storage():
    """Attachment storage is shared by the test session: start each test from nothing."""
    attachments.discard(stored_files())
    yield
    attachments.discard(stored_files())


@pytest.fixture
def attach(team_thread, empty_storage):
    """attach(user, *files, body="") -> Message, sent through the service."""

    def _attach(user, *files, body="", thread=None):
        message, _created = services.message_send(
            thread=thread or team_thread,
            sender=user,
            body=body,
            client_id=uuid.uuid4(),
            files=list(files),
        )
        return message

    return _attach


def thread_url(thread, face="patient"):
    return reverse(f"{face}:message_thread", args=[thread.pk])


def download_url(attachment, face="patient"):
    if face == "api":
        return reverse(
            "api:message-attachment",
            kwargs={"thread_id": attachment.message.thread_id, "attachment_id": attachment.pk},
        )
    return reverse(
        f"{face}:message_thread_attachment", args=[attachment.message.thread_id, attachment.pk]
    )


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- sending -----------------------------------------------------------------------------------


def test_the_patient_attaches_a_png_a_jpeg_and_a_pdf_with_the_plain_form(
    client, team_thread, patient, empty_storage
):
    client.force_login(patient, **LOGIN)
    files = [
        upload("knee.png", picture("PNG"), "image/png"),
        upload("ankle.jpg", picture("JPEG"), "image/jpeg"),
        upload("letter.pdf", pdf(), "application/pdf"),
    ]
    response = client.post(
        thread_url(team_thread),
        {"client_id": str(uuid.uuid4()), "body": "From the hospital", "attachments": files},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    rows = list(message.attachments.all())
    assert [(a.name, a.content_type) for a in rows] == [
        ("knee.png", "image/png"),
        ("ankle.jpg", "image/jpeg"),
        ("letter.pdf", "application/pdf"),
    ]
    for row in rows:
        with attachments.storage().open(row.storage_name) as handle:
            data = handle.read()
        assert len(data) == row.size and hashlib.sha256(data).hexdigest() == row.sha256
        assert row.name not in row.storage_name and "." not in row.storage_name
    page = client.get(thread_url(team_thread)).content.decode()
    assert "knee.png" in page and download_url(rows[2]) in page
    assert 'enctype="multipart/form-data"' in page


def test_a_message_may_be_only_a_file_but_not_nothing(attach, patient, team_thread):
    message = attach(patient, upload("scan.png", picture()))
    assert message.body == "" and message.attachments.count() == 1
    with pytest.raises(ValidationError, match="write something"):
        services.message_send(thread=team_thread, sender=patient, body="  ", client_id=uuid.uuid4())


def test_the_name_follows_the_content_a_png_called_pdf_is_stored_as_png(attach, patient):
    message = attach(patient, upload("../../results.pdf", picture("PNG"), "application/pdf"))
    row = message.attachments.get()
    assert (row.name, row.content_type) == ("results.png", "image/png")


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("holiday.png", EXE, "cannot be attached"),
        ("notes.pdf", b"just some text, not a document", "cannot be attached"),
        ("report.pdf", b"%PDF-1.7\nthis is not really a PDF", "could not be read"),
        ("broken.png", picture("PNG")[:60], "could not be read"),
        ("empty.jpg", b"", "is empty"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    client, team_thread, patient, empty_storage, name, data, error
):
    client.force_login(patient, **LOGIN)
    response = client.post(
        thread_url(team_thread),
        {
            "client_id": str(uuid.uuid4()),
            "body": "See attached",
            "attachments": [upload(name, data)],
        },
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files() == []


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    client, settings, team_thread, patient, empty_storage
):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    big = picture("PNG") + b"\0" * (2 * 1024 * 1024)
    client.force_login(patient, **LOGIN)
    response = client.post(
        thread_url(team_thread),
        {"client_id": str(uuid.uuid4()), "body": "Big", "attachments": [upload("big.png", big)]},
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode() and "2 MB" in response.content.decode()
    assert not Message.objects.exists() and stored_files() == []


def test_a_request_larger_than_any_message_is_refused_on_its_length(
    settings, team_thread, patient, empty_storage
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client = APIClient()
    client.force_authenticate(patient)
    response = client.post(
        reverse("api:message-list", kwargs={"thread_id": team_thread.pk}),
        {"client_id": str(uuid.uuid4()), "attachments": [upload("a.png", b"\0" * 1_200_000)]},
        format="multipart",
    )
    assert response.status_code == 413 and "too much to send" in response.json()["detail"]
    assert not Message.objects.exists() and stored_files() == []


def test_the_page_answers_an_oversized_request_with_a_form_error(
    client, settings, team_thread, patient, empty_storage
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(patient, **LOGIN)
    response = client.post(
        thread_url(team_thread),
        {"client_id": str(uuid.uuid4()), "attachments": [upload("a.png", b"\0" * 1_200_000)]},
    )
    assert response.status_code == 400 and "too much to send" in response.content.decode()
    assert not Message.objects.exists() and stored_files() == []


def test_more_than_three_files_are_refused(attach, patient):
    files = [upload(f"p{n}.png", picture()) for n in range(4)]
    with pytest.raises(ValidationError, match="at most 3 files"):
        attach(patient, *files)
    assert not Message.objects.exists() and stored_files() == []


def test_a_decompression_bomb_is_refused_before_it_is_decoded(attach, patient):
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, format="PNG")  # 48 megapixels in a few kilobytes
    with pytest.raises(ValidationError, match="too large a picture"):
        attach(patient, upload("bomb.png", bomb.getvalue()))
    assert stored_files() == []


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header announces ``width`` x ``height`` greyscale pixels but whose pixel data
    is missing. Decoding it fails ("damaged"), so being refused as too large proves that the size
    was checked from the header, before any decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_a_40_megapixel_png_is_refused_before_it_is_decoded(attach, patient):
    real = io.BytesIO()
    Image.new("1", (8000, 5000)).save(real, format="PNG")  # 40 megapixels in a few kilobytes
    for data in (real.getvalue(), png_header_only(7000, 5700)):
        with pytest.raises(ValidationError, match="too large a picture"):
            attach(patient, upload("big.png", data))
    assert not Message.objects.exists() and stored_files() == []


def test_pictures_over_the_budget_of_one_message_are_refused_before_any_is_decoded(
    team_thread, patient, empty_storage
):
    """Three pictures of 20 megapixels each pass the limit of one picture, not that of one
    message; nothing is decoded (the pixel data is missing) and nothing is stored."""
    client = APIClient()
    client.force_authenticate(patient)
    url = reverse("api:message-list", kwargs={"thread_id": team_thread.pk})
    files = [upload(f"p{n}.png", png_header_only(5000, 4000)) for n in range(3)]
    response = client.post(
        url, {"client_id": str(uuid.uuid4()), "attachments": files}, format="multipart"
    )
    assert response.status_code == 400
    assert "too large together" in response.content.decode()
    assert not Message.objects.exists() and stored_files() == []
    # Two of them fit the budget: checked one by one, and refused only as damaged.
    with pytest.raises(ValidationError, match="damaged"):
        attachments.check_uploads(
            [upload(f"q{n}.png", png_header_only(5000, 4000)) for n in (1, 2)]
        )


def test_a_photo_loses_its_gps_position_and_camera_details_but_stays_upright(attach, patient):
    original = Image.open(io.BytesIO(photo_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)  # the test file really carries a position
    row = attach(patient, upload("IMG_0001.JPG", photo_with_gps())).attachments.get()
    with attachments.storage().open(row.storage_name) as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {} and not stored.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in attachments.storage().open(row.storage_name).read()
    assert stored.size == (48, 64)  # the orientation was applied before the tag was dropped


def test_a_webp_picture_is_accepted(attach, patient):
    row = attach(patient, upload("wound.webp", picture("WEBP"))).attachments.get()
    assert (row.name, row.content_type) == ("wound.webp", "image/webp")


def test_a_retried_send_stores_its_files_once(team_thread, patient, empty_storage):
    client_id = uuid.uuid4()
    for _ in range(2):
        services.message_send(
            thread=team_thread,
            sender=patient,
            body="",
            client_id=client_id,
            files=[upload("x.png", picture())],
        )
    assert Attachment.objects.count() == 1 and len(stored_files()) == 1


def test_a_failure_after_the_first_file_is_written_leaves_no_row_and_no_file(
    monkeypatch, team_thread, patient, empty_storage
):
    real_write = attachments.write
    calls = []

    def disk_full_on_second(name, data):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(name, data)

    monkeypatch.setattr(attachments, "write", disk_full_on_second)
    with pytest.raises(OSError, match="No space"):
        services.message_send(
            thread=team_thread,
            sender=patient,
            body="Two files",
            client_id=uuid.uuid4(),
            files=[upload("a.png", picture()), upload("b.png", picture())],
        )
    assert len(calls) == 2
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files() == []


def test_the_api_takes_multipart_and_answers_with_attachment_metadata(
    team_thread, patient, empty_storage
):
    client = APIClient()
    client.force_authenticate(patient)
    url = reverse("api:message-list", kwargs={"thread_id": team_thread.pk})
    response = client.post(
        url,
        {
            "client_id": str(uuid.uuid4()),
            "attachments": [upload("a.pdf", pdf()), upload("b.png", picture())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    files = response.json()["attachments"]
    row = Attachment.objects.get(name="a.pdf")
    assert files[0] == {
        "id": str(row.pk),
        "name": "a.pdf",
        "content_type": "application/pdf",
        "size": row.size,
        "url": download_url(row, "api"),
    }
    listed = client.get(url).json()["results"][0]["attachments"]
    assert [f["name"] for f in listed] == ["a.pdf", "b.png"]
    # JSON cannot carry a file: a clear 400, nothing stored.
    bad = client.post(
        url, {"client_id": str(uuid.uuid4()), "attachments": ["aGVsbG8="]}, format="json"
    )
    assert bad.status_code == 400 and Message.objects.count() == 1


def test_the_layer_event_carries_ids_only(attach, patient, published):
    attach(patient, upload("private name.png", picture()), body="secret words")
    events = [event for _group, event in published if event["type"] == "message.event"]
    assert events and all(set(e) == {"type", "kind", "thread", "sequence"} for e in events)
    assert "private name" not in str(published)


# --- downloading -------------------------------------------------------------------------------


def test_participants_download_pictures_inline_and_pdfs_as_files(
    client, attach, patient, gp, therapist
):
    message = attach(patient, upload("knee.png", picture()), upload("letter.pdf", pdf()))
    png, document = message.attachments.all()
    client.force_login(patient, **LOGIN)
    response = client.get(download_url(png))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    with attachments.storage().open(png.storage_name) as handle:
        assert body_of(response) == handle.read()
    for user, face in ((gp, "clinician"), (therapist, "clinician")):
        client.force_login(user, **LOGIN)
        response = client.get(download_url(document, face))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    api = APIClient()
    api.force_authenticate(gp)
    assert api.get(download_url(png, "api")).status_code == 200


def test_outsiders_other_patients_and_former_members_get_404(
    client, attach, patient, other_patient, gp, gp_membership, outsider_clinician
):
    row = attach(patient, upload("knee.png", picture())).attachments.get()
    client.force_login(outsider_clinician, **LOGIN)
    assert client.get(download_url(row, "clinician")).status_code == 404
    client.force_login(other_patient, **LOGIN)
    assert client.get(download_url(row)).status_code == 404
    care.membership_end(membership=gp_membership, by=patient)
    client.force_login(gp, **LOGIN)
    assert client.get(download_url(row, "clinician")).status_code == 404
    api = APIClient()
    api.force_authenticate(gp)
    assert api.get(download_url(row, "api")).status_code == 404
    assert not AccessLogEntry.objects.filter(section="message_attachment").exists()


def test_an_attachment_id_from_another_thread_is_404(
    client, attach, patient, workspace, therapist_membership, gp
):
    private = services.private_thread_open(
        workspace=workspace, membership_id=therapist_membership.pk, by=patient
    )
    row = attach(patient, upload("only for theo.png", picture()), thread=private)
    row = row.attachments.get()
    team = services.team_thread_for(workspace=workspace)
    client.force_login(gp, **LOGIN)
    # The gp is not in the private thread, and cannot reach its file through the team thread.
    assert client.get(download_url(row, "clinician")).status_code == 404
    url = reverse("clinician:message_thread_attachment", args=[team.pk, row.pk])
    assert client.get(url).status_code == 404


def test_a_clinicians_download_is_in_the_patients_access_log_the_patients_own_is_not(
    client, attach, patient, gp
):
    row = attach(patient, upload("knee.png", picture())).attachments.get()
    client.force_login(patient, **LOGIN)
    client.get(download_url(row))
    assert not AccessLogEntry.objects.filter(section="message_attachment").exists()
    client.force_login(gp, **LOGIN)
    client.get(download_url(row, "clinician"))
    api = APIClient()
    api.force_authenticate(gp)
    api.get(download_url(row, "api"))
    entries = AccessLogEntry.objects.filter(section="message_attachment", actor=gp)
    assert sorted(entries.values_list("via", flat=True)) == ["api", "web"]
    client.force_login(patient, **LOGIN)
    log = client.get(reverse("patient:access_log")).content.decode()
    assert "a file attached to your messages" in log


def test_removing_a_message_hides_its_files_from_the_thread_but_keeps_them_in_the_record(
    client, attach, patient, gp, workspace
):
    message = attach(gp, upload("exercise sheet.pdf", pdf()), body="Here it is")
    row = message.attachments.get()
    services.message_remove(thread=message.thread, message_id=message.pk, by=gp)
    client.force_login(gp, **LOGIN)
    assert client.get(download_url(row, "clinician")).status_code == 404
    page = client.get(thread_url(message.thread, "clinician")).content.decode()
    assert "exercise sheet" not in page
    api = APIClient()
    api.force_authenticate(gp)
    listed = api.get(reverse("api:message-list", kwargs={"thread_id": message.thread_id}))
    assert listed.json()["results"][0]["attachments"] == []
    # The patient's record keeps it: the export lists it and the patient can still fetch it.
    files = privacy.extra_exports(workspace=workspace)["message_attachments"]["files"]
    assert files[0]["name"] == "exercise sheet.pdf" and files[0]["message_removed"] is True
    client.force_login(patient, **LOGIN)
    assert client.get(files[0]["download"]).status_code == 200
    assert attachments.storage().exists(row.storage_name)


def test_the_export_holds_attachment_metadata(attach, patient, workspace):
    row = attach(patient, upload("knee.png", picture())).attachments.get()
    exported = privacy.workspace_export(workspace=workspace)["messaging.Attachment"]
    assert exported[0]["id"] == str(row.pk)
    assert exported[0]["name"] == "knee.png" and exported[0]["sha256"] == row.sha256


def test_erasure_deletes_the_files_once_it_has_committed(
    attach, patient, gp, django_capture_on_commit_callbacks
):
    message = attach(patient, upload("knee.png", picture()), upload("l.pdf", pdf()))
    rows = list(message.attachments.all())
    attach(gp, upload("reply.png", picture()))
    assert len(stored_files()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        privacy.patient_erase(patient=patient)
    assert not Attachment.objects.exists()
    assert all(not attachments.storage().exists(row.storage_name) for row in rows)
    assert stored_files() == []


def test_a_rolled_back_deletion_keeps_the_file(attach, patient, django_capture_on_commit_callbacks):
    row = attach(patient, upload("knee.png", picture())).attachments.get()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Attachment.objects.filter(pk=row.pk).delete()
        raise RuntimeError("changed my mind")
    assert Attachment.objects.filter(pk=row.pk).exists()
    assert attachments.storage().exists(row.storage_name)


def test_the_thread_page_query_count_is_flat_with_attachments_on_every_message(
    client, attach, patient, gp, team_thread
):
    client.force_login(gp, **LOGIN)
    url = thread_url(team_thread, "clinician")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(2):
        attach(patient, upload(f"p{n}.png", picture()), upload(f"d{n}.pdf", pdf()))
    at_two = count()
    for n in range(18):
        attach(patient, upload(f"p{n}.png", picture()), upload(f"d{n}.pdf", pdf()))
    at_twenty = count()
    assert client.get(url).content.decode().count('class="attachments"') == 20
    assert at_two == at_twenty


@pytest.mark.django_db(transaction=True)
async def test_a_message_with_a_file_arrives_live_with_its_metadata(team_thread, patient, gp):
    from asgiref.sync import sync_to_async

    from messaging.tests.test_live_socket import connect, next_frame, send_frame

    gp_socket, connected, _code = await connect(gp)
    assert connected
    await send_frame(gp_socket, type="resume", threads={})  # as live.js does on every connect
    assert (await next_frame(gp_socket))["type"] == "resumed"
    message, _created = await sync_to_async(services.message_send)(
        thread=team_thread,
        sender=patient,
        body="",
        client_id=uuid.uuid4(),
        files=[upload("knee.png", picture())],
    )
    frame = await next_frame(gp_socket, timeout=10)
    row = await sync_to_async(message.attachments.get)()
    assert frame["type"] == "message" and frame["message"]["body"] == ""
    assert frame["message"]["attachments"] == [
        {
            "id": str(row.pk),
            "name": "knee.png",
            "content_type": "image/png",
            "size": row.size,
            "url": reverse(
                "api:message-attachment",
                kwargs={"thread_id": team_thread.pk, "attachment_id": row.pk},
            ),
        }
    ]
    await gp_socket.disconnect()
    await sync_to_async(attachments.discard)([row.storage_name])
