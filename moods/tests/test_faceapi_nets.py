"""Our ONNX rebuild of face-api's two nets against face-api itself (run in Node) on real faces."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from conftest import SHARED_DATA
from moods.emotion import faceapi
from moods.emotion.local import decode_grey, find_faces
from moods.emotion.local_faceapi import face_crop, landmark_boxes, net_input

REFERENCE = Path(__file__).with_name("faceapi_reference.mjs")
FACES = ["faces/happy/KA.HA1.29.png", "faces/sad/KA.SA1.33.png",
         "faces_wild/surprise/Adam_Mair_0001.jpg", "faces_wild/angry/Al_Gore_0002.jpg"]
TOLERANCE = 1e-4  # float32 through ~40 layers in two runtimes; the readings differ from the 3rd decimal of a %


def _node_reference(inputs: np.ndarray) -> dict[str, np.ndarray]:
    """face-api's outputs for our grey net inputs, given to it as RGB (R = G = B) as a browser would."""
    rgb = np.repeat(inputs[..., None], 3, axis=-1)
    request = json.dumps({"faces": rgb.reshape(len(rgb), -1).tolist()})
    done = subprocess.run(["node", str(REFERENCE)], input=request, capture_output=True, text=True, check=True,
                          cwd=settings.BASE_DIR, timeout=120)
    return {net: np.array(values, np.float32) for net, values in json.loads(done.stdout).items()}


@pytest.fixture(scope="module")
def net_inputs(faceapi_node) -> np.ndarray:
    """Per face, both of the pipeline's inputs: the Haar crop and the crop fitted to the landmarks."""
    inputs = []
    for name in FACES:
        grey, _ = decode_grey((SHARED_DATA / name).read_bytes())
        boxes = find_faces(grey)[:1]
        inputs += [net_input(face_crop(grey, box)[0]) for box in [*boxes, *landmark_boxes(grey, boxes)]]
    return np.stack(inputs)


def test_the_rebuilt_nets_give_face_apis_own_outputs(net_inputs):
    reference = _node_reference(net_inputs)

    for net in ("landmarks", "expressions"):
        ours = faceapi.run(net, net_inputs)
        assert ours.shape == reference[net].shape == (8, 136 if net == "landmarks" else 7)
        assert np.abs(ours - reference[net]).max() < TOLERANCE, net


def test_uint8_weights_are_dequantised_as_tfjs_does(faceapi_files):
    manifest = faceapi.model_dir() / "face_expression_model-weights_manifest.json"
    first = json.loads(manifest.read_text())[0]["weights"][0]
    q = (manifest.parent / "face_expression_model.bin").read_bytes()[0]

    weights = faceapi.read_weights(manifest)

    assert (first["name"], first["quantization"]["dtype"]) == ("dense0/conv0/filters", "uint8")
    assert weights["dense0/conv0/filters"].shape == (3, 3, 3, 32)
    assert weights["dense0/conv0/filters"].dtype == np.float32
    assert weights["dense0/conv0/filters"][0, 0, 0, 0] == np.float32(q) * np.float32(
        first["quantization"]["scale"]) + np.float32(first["quantization"]["min"])
    assert weights["fc/weights"].shape == (256, 7)
    assert len(weights) == 49


def test_the_converted_model_is_cached_and_read_back(faceapi_files, tmp_path, monkeypatch):
    manifest = faceapi.model_dir() / "face_landmark_68_model-weights_manifest.json"
    first = faceapi.converted(manifest, softmax=False, cache=tmp_path)
    monkeypatch.setattr(faceapi, "onnx_model", lambda *args, **kwargs: pytest.fail("converted twice"))

    second = faceapi.converted(manifest, softmax=False, cache=tmp_path)

    assert second == first
    assert [path.name.split("-")[0] for path in tmp_path.iterdir()] == ["face_landmark_68_model"]


def test_missing_npm_files_raise_model_missing(tmp_path):
    with pytest.raises(faceapi.ModelMissing, match=r"face_landmark_68_model-weights_manifest\.json.*run `npm ci`"):
        faceapi.manifests(tmp_path)
