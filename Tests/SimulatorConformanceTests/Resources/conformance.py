"""Drives selfie-sim with Replicate's official Python client (replicate==1.0.7).

Environment: SIM_URL (http://127.0.0.1:PORT), SIM_OWNER/SIM_TOKEN (first account),
SIM_OTHER_OWNER/SIM_OTHER_TOKEN (second account). Exits non-zero on the first mismatch.
"""

import http.server
import io
import json
import os
import re
import struct
import sys
import threading
import time
import urllib.request
import zipfile
import zlib

import replicate
from replicate.exceptions import ReplicateError
from replicate.version import Versions
from replicate.webhook import InvalidSignatureError, Webhooks, WebhookSigningSecret

URL = os.environ["SIM_URL"]
OWNER = os.environ["SIM_OWNER"]
TOKEN = os.environ["SIM_TOKEN"]
OTHER_OWNER = os.environ["SIM_OTHER_OWNER"]
OTHER_TOKEN = os.environ["SIM_OTHER_TOKEN"]
TRAINER = "ostris/flux-dev-lora-trainer"
TRAINER_VERSION = "26dce37af90b9d997eeb970d92e47de3064d46c300504ae376c75bef6a9022d2"
MODEL = "42-selfie-lora"
CHECKS = 0


def check(condition, message):
    global CHECKS
    if not condition:
        print(f"MISMATCH: {message}", flush=True)
        sys.exit(1)
    CHECKS += 1


def expect_error(status, call, title=None, detail=None):
    try:
        call()
    except ReplicateError as error:
        check(error.status == status, f"expected HTTP {status}, got {error.status} ({error})")
        if title is not None:
            check(error.title == title, f"expected title {title!r}, got {error.title!r}")
        if detail is not None:
            check(error.detail == detail, f"expected detail {detail!r}, got {error.detail!r}")
        return error
    check(False, f"expected HTTP {status}, the call succeeded")


# --- a tiny webhook receiver -------------------------------------------------------------------
DELIVERIES = []
LOCK = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with LOCK:
            DELIVERIES.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
HOOK = f"http://127.0.0.1:{server.server_address[1]}/hooks/replicate"


def png(width, height, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def selfie_zip(seed):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(3):
            archive.writestr(f"selfie-{index}.png", png(32, 40, (seed * 40 % 256, index * 60, 120)))
            archive.writestr(f"selfie-{index}.txt", f"a photo of user42 #{index}")
    buffer.seek(0)
    buffer.name = "selfies.zip"
    return buffer


def read_png(data):
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "output is not a PNG")
    offset, idat, text, size = 8, b"", {}, None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        check(zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}")
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"tEXt":
            key, value = body.split(b"\x00", 1)
            text[key.decode("latin-1")] = value.decode("latin-1")
        offset += 12 + length
    pixels = zlib.decompress(idat)
    check(len(pixels) == size[1] * (1 + 3 * size[0]), "decompressed PNG has the wrong size")
    return size, text


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    check(False, f"timed out waiting for {what}")


client = replicate.Client(api_token=TOKEN, base_url=URL)
other = replicate.Client(api_token=OTHER_TOKEN, base_url=URL)
stranger = replicate.Client(api_token="r8_not_a_token", base_url=URL)

# --- webhooks secret ---------------------------------------------------------------------------
secret = client.webhooks.default.secret()
check(secret.key.startswith("whsec_"), "the default secret starts with whsec_")
other_secret = other.webhooks.default.secret()
check(other_secret.key != secret.key, "each account has its own secret")

# --- 401 ---------------------------------------------------------------------------------------
expect_error(
    401, lambda: stranger.models.get(f"{OWNER}/{MODEL}"), title="Unauthenticated",
    detail="You did not pass a valid authentication token")

# --- models ------------------------------------------------------------------------------------
model = client.models.create(owner=OWNER, name=MODEL, visibility="private", hardware="gpu-t4")
check(model.owner == OWNER and model.name == MODEL, "models.create returns the model")
check(model.visibility == "private" and model.latest_version is None, "a new model is private without versions")
fetched = client.models.get(f"{OWNER}/{MODEL}")
check(fetched.name == MODEL and fetched.latest_version is None, "models.get returns the new model")
expect_error(
    409, lambda: client.models.create(owner=OWNER, name=MODEL, visibility="private", hardware="gpu-t4"),
    detail="A model with that name and owner already exists.")
expect_error(404, lambda: client.models.get(f"{OWNER}/missing-model"),
             detail="The requested resource could not be found.")
trainer = client.models.get(TRAINER)
check(trainer.latest_version.id == TRAINER_VERSION, "the trainer model is public with the locked version")

# --- files -------------------------------------------------------------------------------------
upload = client.files.create(selfie_zip(1), metadata={"user": "42"})
check(upload.size > 0 and upload.content_type == "application/zip", "files.create returns the file")
check(upload.metadata == {"user": "42"}, "metadata round-trips")
check(client.files.get(upload.id).checksums["sha256"] == upload.checksums["sha256"], "files.get works")

# --- trainings ---------------------------------------------------------------------------------
expect_error(
    404,
    lambda: client.trainings.create(
        model=TRAINER, version=TRAINER_VERSION, input={"input_images": upload.urls["get"]},
        destination=f"{OWNER}/does-not-exist"),
    detail="The specified training destination does not exist")
expect_error(
    422,
    lambda: client.trainings.create(
        model=TRAINER, version="0" * 64, input={"input_images": upload.urls["get"]},
        destination=f"{OWNER}/{MODEL}"),
    title="Invalid version or not permitted")
training = client.trainings.create(
    model=TRAINER, version=TRAINER_VERSION,
    input={"input_images": upload.urls["get"], "trigger_word": "user42", "steps": 1000},
    destination=f"{OWNER}/{MODEL}", webhook=HOOK, webhook_events_filter=["start", "completed"])
check(training.status == "starting", f"a new training is starting, not {training.status}")
seen = {training.status}
deadline = time.time() + 90
while training.status not in ("succeeded", "failed", "canceled"):
    check(time.time() < deadline, "the training finishes within 90 s at this time scale")
    time.sleep(0.2)
    training = client.trainings.get(training.id)
    seen.add(training.status)
check(training.status == "succeeded", f"training succeeded (error: {training.error})")
check("processing" in seen, "the training went through processing")
progress = re.findall(r"flux_train_replicate: +\d+%\|[# ]{10}\| (\d+)/1000 \[", training.logs)
check(len(progress) >= 10 and progress[-1] == "1000", "logs carry tqdm progress lines up to 1000/1000")
match = re.fullmatch(rf"{OWNER}/{MODEL}:([0-9a-f]{{64}})", training.output["version"])
check(match is not None, f"output.version is owner/name:hash, got {training.output['version']}")
version_id = match.group(1)
check(training.destination == f"{OWNER}/{MODEL}", "the client derives the destination from output.version")
weights = urllib.request.urlopen(training.output["weights"], timeout=10).read()
check(b"lora.safetensors" in weights[:512], "weights are a tar holding lora.safetensors")

# --- the version's schema ----------------------------------------------------------------------
model = client.models.get(f"{OWNER}/{MODEL}")
check(model.latest_version.id == version_id, "the destination gained the trained version")
version = model.versions.get(version_id)
properties = version.openapi_schema["components"]["schemas"]["Input"]["properties"]
check("guidance_scale" in properties and "guidance" not in properties, "the guidance input is guidance_scale")
check(properties["num_outputs"]["maximum"] == 4 and properties["lora_scale"]["minimum"] == -1, "ranges are published")
check("prompt" in version.openapi_schema["components"]["schemas"]["Input"]["required"], "prompt is required")

# --- predictions -------------------------------------------------------------------------------
locked_input = {
    "prompt": "user42 in a linen blazer, editorial light", "guidance": 2.8, "num_inference_steps": 35,
    "num_outputs": 3, "aspect_ratio": "3:4", "output_format": "png", "output_quality": 95,
    "go_fast": False, "disable_safety_checker": False, "seed": 123456,
}
prediction = client.predictions.create(
    version=f"{OWNER}/{MODEL}:{version_id}", input=locked_input, webhook=HOOK, webhook_events_filter=["completed"])
check(prediction.status == "starting", "a new prediction is starting")
prediction.wait()
check(prediction.status == "succeeded", f"prediction succeeded (error: {prediction.error})")
check(len(prediction.output) == 3, "num_outputs output URLs")
check("guidance" in prediction.logs, "the dropped input key is named in the logs")
check(prediction.metrics["predict_time"] > 0, "metrics carry predict_time")
files = []
for index, url in enumerate(prediction.output):
    data = urllib.request.urlopen(url, timeout=10).read()
    (width, height), text = read_png(data)
    check(width * 4 == height * 3, f"3:4 output, got {width}x{height}")
    check(text.get("simulator:version") == version_id and text.get("simulator:index") == str(index), "provenance")
    check(text.get("simulator:seed") == "123456", "the seed is recorded")
    files.append(data)
check(len(set(files)) == 3, "three distinct images")
again = client.predictions.create(version=version_id, input=locked_input, wait=10)
again.wait()
check(again.status == "succeeded", "a bare version id works too")
again_files = [urllib.request.urlopen(url, timeout=10).read() for url in again.output]
check(again_files == files, "same version, input and seed give identical bytes")

expect_error(
    422, lambda: client.predictions.create(version="f" * 64, input={"prompt": "x"}),
    title="Invalid version or not permitted")
error = expect_error(
    422, lambda: client.predictions.create(
        version=f"{OWNER}/{MODEL}:{version_id}", input={"prompt": "x", "num_outputs": 9, "aspect_ratio": "7:5"}),
    title="Input validation failed")
check("- input.num_outputs: Must be less than or equal to 4" in error.detail, f"detail lines: {error.detail!r}")

to_cancel = client.predictions.create(version=version_id, input={"prompt": "user42 at the beach"})
to_cancel.cancel()
to_cancel.reload()
check(to_cancel.status == "canceled", f"cancel works, got {to_cancel.status}")

# --- isolation ---------------------------------------------------------------------------------
expect_error(404, lambda: other.models.get(f"{OWNER}/{MODEL}"))
expect_error(404, lambda: other.predictions.get(prediction.id))
expect_error(404, lambda: other.trainings.get(training.id))
expect_error(404, lambda: other.files.get(upload.id))
expect_error(
    422, lambda: other.predictions.create(version=f"{OWNER}/{MODEL}:{version_id}", input={"prompt": "x"}),
    title="Invalid version or not permitted")
expect_error(
    404,
    lambda: other.trainings.create(
        model=TRAINER, version=TRAINER_VERSION, input={"input_images": upload.urls["get"]},
        destination=f"{OWNER}/{MODEL}"),
    detail="The specified training destination does not exist")
other.models.create(owner=OTHER_OWNER, name=MODEL, visibility="private", hardware="gpu-t4")
check(other.models.get(f"{OTHER_OWNER}/{MODEL}").owner == OTHER_OWNER, "the second account has its own model")
check(all(p.id != prediction.id for p in other.predictions.list().results), "lists are per account")

# --- pagination: 100 a page, newest first, followed by the client's own paginate ---------------
made = [
    client.predictions.create(version=version_id, input={"prompt": f"user42 on page {index}", "seed": index}).id
    for index in range(105)
]
first = client.predictions.list()
check(len(first.results) == 100, f"100 predictions a page, got {len(first.results)}")
check(first.previous is None, f"no previous page before the first, got {first.previous!r}")
check(first.next is not None and first.next.startswith(f"{URL}/v1/predictions?cursor="),
      f"next is an absolute URL on the API base, got {first.next!r}")
second = client.predictions.list(first.next)
check(second.previous is not None, "a later page links back")
check(not {p.id for p in first} & {p.id for p in second}, "pages do not overlap")
pages = list(replicate.paginate(client.predictions.list))
check(len(pages) >= 2 and pages[-1].next is None, f"paginate follows next to the last page ({len(pages)} pages)")
listed = [p.id for page in pages for p in page]
check(len(listed) == len(set(listed)), "no prediction listed twice")
check(set(made) <= set(listed) and prediction.id in listed, "every prediction is on some page")
created = [p.created_at for page in pages for p in page]
check(created == sorted(created, reverse=True), "newest first across pages")

# --- faults switched at run time ---------------------------------------------------------------
def set_faults(settings):
    request = urllib.request.Request(
        f"{URL}/__selfie-sim/faults", data=json.dumps(settings).encode(), method="PUT",
        headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


check(set_faults({"rate_limit_rate": 1.0, "retry_after": True})["rate_limit_rate"] == 1.0, "faults endpoint")
throttled = expect_error(
    429, lambda: client.models.create(owner=OWNER, name="throttled", visibility="private", hardware="gpu-t4"))
check(re.fullmatch(r"Request was throttled\. Your rate limit resets in ~\d+s\.", throttled.detail or "") is not None,
      f"Replicate's throttling detail, got {throttled.detail!r}")
check(set_faults({"rate_limit_rate": 0.0})["rate_limit_rate"] == 0.0, "faults can be switched off")

# --- webhooks ----------------------------------------------------------------------------------
wait_for(lambda: len(DELIVERIES) >= 3, 30, "three webhook deliveries")
time.sleep(0.5)
with LOCK:
    delivered = list(DELIVERIES)
events = {}
for headers, body in delivered:
    Webhooks.validate(headers=headers, body=body.decode("utf-8"), secret=secret, tolerance=300)
    try:
        Webhooks.validate(headers=headers, body=body.decode("utf-8") + " ", secret=secret)
        check(False, "an altered body must not validate")
    except InvalidSignatureError:
        pass
    try:
        Webhooks.validate(headers=headers, body=body.decode("utf-8"), secret=WebhookSigningSecret(key=other_secret.key))
        check(False, "another account's secret must not validate")
    except InvalidSignatureError:
        pass
    payload = json.loads(body)
    events.setdefault(payload["id"], []).append(payload["status"])
check(events.get(training.id, [])[:1] == ["starting"], f"training start webhook, got {events.get(training.id)}")
check(events.get(training.id, [])[-1:] == ["succeeded"], "training completed webhook")
check(events.get(prediction.id) == ["succeeded"], f"prediction completed webhook only, got {events.get(prediction.id)}")

# --- deleting: versions, then the model; files ----------------------------------------------------
DOOMED = "doomed-model"
client.models.create(owner=OWNER, name=DOOMED, visibility="private", hardware="gpu-t4")
doomed_upload = client.files.create(selfie_zip(2))
doomed_training = client.trainings.create(
    model=TRAINER, version=TRAINER_VERSION,
    input={"input_images": doomed_upload.urls["get"], "trigger_word": "user42", "steps": 1000},
    destination=f"{OWNER}/{DOOMED}")
deadline = time.time() + 90
while doomed_training.status not in ("succeeded", "failed", "canceled"):
    check(time.time() < deadline, "the second training finishes within 90 s")
    time.sleep(0.2)
    doomed_training = client.trainings.get(doomed_training.id)
check(doomed_training.status == "succeeded", f"the second training succeeded ({doomed_training.error})")
doomed_version = doomed_training.output["version"].split(":")[-1]
expect_error(409, lambda: client.models.delete(f"{OWNER}/{DOOMED}"))
check(client.models.get(f"{OWNER}/{DOOMED}").latest_version.id == doomed_version, "a refused deletion keeps the model")
expect_error(404, lambda: Versions(other, (OWNER, DOOMED)).delete(doomed_version))
expect_error(403, lambda: client.models.delete(TRAINER))
# Replicate documents 202 for a version's deletion (processed within minutes); this client reports True only
# for 204, so what is checked is the effect: the version is gone for every later call.
client.models.get(f"{OWNER}/{DOOMED}").versions.delete(doomed_version)
expect_error(404, lambda: client.models.get(f"{OWNER}/{DOOMED}").versions.get(doomed_version))
check(client.models.get(f"{OWNER}/{DOOMED}").latest_version is None, "no version is left")
check(client.models.delete(f"{OWNER}/{DOOMED}") is True, "models.delete answers 204 once no versions are left")
expect_error(404, lambda: client.models.get(f"{OWNER}/{DOOMED}"))
expect_error(404, lambda: client.models.delete(f"{OWNER}/{DOOMED}"))
expect_error(404, lambda: other.files.delete(doomed_upload.id))
check(client.files.delete(doomed_upload.id) is True, "files.delete answers 204")
expect_error(404, lambda: client.files.get(doomed_upload.id))
expect_error(404, lambda: client.files.delete(doomed_upload.id))
check(all(f.id != doomed_upload.id for f in client.files.list()), "a deleted file is not listed")

server.shutdown()
print(f"conformance OK: {CHECKS} checks, {len(delivered)} webhooks validated", flush=True)
