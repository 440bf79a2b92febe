"""Amazon Rekognition DetectFaces behind the emotion port.

Vendor errors are mapped onto the port's two types: throttling, 5xx and
network trouble are transient (BackendUnavailable); a rejected image or a
forbidden object is permanent (InputRejected). Timeouts and botocore's own
retries are set once in cloudscendo/aws.py. Every call first waits for its
slot under REKOGNITION_MAX_TPS (cloudscendo/ratelimit.py), so a burst of
captures queues instead of being throttled.
"""

import io

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from cloudscendo import aws, ratelimit
from moods.stored import s3_location

from . import EMOTIONS, Analysis, BackendUnavailable, FaceEmotions, InputRejected

# The service model caps Image.Bytes at 5 MB (DetectFaces API reference, "Image").
MAX_BYTES = 5 * 1024 * 1024

TRANSIENT_CODES = {"ThrottlingException", "ProvisionedThroughputExceededException", "InternalServerError"}
PERMANENT_MESSAGES = {
    "InvalidImageFormatException": "The emotion service cannot read this image format.",
    "ImageTooLargeException": "The photo is too large for the emotion service.",
    "InvalidParameterException": "The emotion service rejected the photo (it may be smaller than 80 pixels).",
    "InvalidS3ObjectException": "The emotion service cannot read the stored photo.",
    "AccessDeniedException": "The emotion service is not allowed to read this photo.",
}


class RekognitionDetector:
    """`Detector` that asks Rekognition DetectFaces for the EMOTIONS attribute."""

    model = "Amazon Rekognition DetectFaces"  # AWS names no model version for DetectFaces

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        width, height = _image_size(image)
        response = _detect_faces(_image_param(image, storage_name))
        faces = sorted((_face(detail) for detail in response.get("FaceDetails", [])),
                       key=lambda face: face.area, reverse=True)
        return Analysis(faces=tuple(faces), width=width, height=height, model=self.model)


def _image_size(image: bytes) -> tuple[int, int]:
    try:
        return Image.open(io.BytesIO(image)).size  # reads the header only
    except (UnidentifiedImageError, OSError) as error:
        raise InputRejected("The photo is not an image the emotion service can read.") from error


def _image_param(image: bytes, storage_name: str | None) -> dict:
    # The stored copy saves sending the bytes again; it needs the bucket in Rekognition's region.
    if storage_name and (location := s3_location(storage_name)):
        return {"S3Object": location}
    if len(image) > MAX_BYTES:
        raise InputRejected(PERMANENT_MESSAGES["ImageTooLargeException"])
    return {"Bytes": image}


def _turn_wait() -> None:
    """Wait for a slot under REKOGNITION_MAX_TPS, shared by every worker; a long wait is retried later."""
    try:
        ratelimit.slot_take("rekognition", rate=settings.REKOGNITION_MAX_TPS,
                            max_wait=settings.REKOGNITION_MAX_WAIT_SECONDS)
    except (ratelimit.RateLimited, ratelimit.LimiterUnavailable) as error:
        raise BackendUnavailable(f"Rekognition is busy ({error}).") from error


def _detect_faces(image: dict) -> dict:
    _turn_wait()
    try:
        return aws.client("rekognition").detect_faces(Image=image, Attributes=["EMOTIONS"])
    except ClientError as error:
        raise _mapped(error) from error
    except (BotoConnectionError, HTTPClientError) as error:  # connect/read timeouts, dropped connections
        raise BackendUnavailable(f"Rekognition did not answer: {error}") from error


def _mapped(error: ClientError) -> Exception:
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in TRANSIENT_CODES or status >= 500:
        return BackendUnavailable(f"Rekognition is unavailable ({code or status}).")
    return InputRejected(PERMANENT_MESSAGES.get(code, f"The emotion service refused the photo ({code})."))


def _face(detail: dict) -> FaceEmotions:
    scores = dict.fromkeys(EMOTIONS, 0.0)
    # UNKNOWN, and any type AWS adds later, is no usable emotion: it is left out.
    scores.update({item["Type"]: float(item["Confidence"]) for item in detail.get("Emotions", [])
                   if item.get("Type") in EMOTIONS})
    return FaceEmotions(box=_clamped_box(detail.get("BoundingBox", {})), scores=scores)


def _clamped_box(box: dict) -> tuple[float, float, float, float]:
    """Rekognition's box for a face at the edge can start below 0 or end past 1."""
    left, top = _unit(box.get("Left", 0.0)), _unit(box.get("Top", 0.0))
    right = _unit(box.get("Left", 0.0) + box.get("Width", 0.0))
    bottom = _unit(box.get("Top", 0.0) + box.get("Height", 0.0))
    return left, top, right - left, bottom - top


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))
