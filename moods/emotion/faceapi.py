"""face-api's 68-landmark and expression networks, rebuilt from their npm files for onnxruntime.

`@vladmandic/face-api` (MIT, by Vladimir Mandic, after Vincent Mühler's
face-api.js) ships each net as a tfjs weights manifest + .bin shards; the
topology lives in its TypeScript (src/faceFeatureExtractor/, src/faceProcessor/).
We read the weights (de-quantising uint8 ones), write that topology as an ONNX
graph, and run it with onnxruntime on one thread. The graph is written once per
set of npm files and kept under var/faceapi/ (importing `onnx` alone takes ~1 s;
onnxruntime reads the cached file without it).

Both nets: input [N, 112, 112, 3] RGB 0..255 -> minus the mean RGB, / 255 ->
four dense blocks (each halves the side: 112 -> 7) -> 7x7 average pool -> a fully
connected layer (136 landmark fractions, or 7 logits + softmax). We read grey
photos (R = G = B), so our graphs take [N, 1, 112, 112] grey and fold the three
channels into the first conv (grey_conv): ~20 % less CPU than feeding RGB.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import onnxruntime
from django.conf import settings

from . import names

if TYPE_CHECKING:
    import onnx

SIDE = 112  # FaceFeatureExtractor.forwardInput: toBatchTensor(112, true)
MEAN_RGB = (122.782, 117.001, 104.298)  # same function's meanRgb
DENSE_BLOCKS = 4  # denseBlock4 x 4 (dense0..dense3), four separable convs each
NETS = names.FACEAPI_NETS
MODEL_NAME = names.FACEAPI_MODEL
ONNX_OPSET = 17  # every op used here exists unchanged since opset 13
CONVERTER_VERSION = 2  # part of the cache key: bump when onnx_model() writes a different graph


ModelMissing = names.ModelMissing
model_dir = names.model_dir
manifests = names.manifests


def read_weights(manifest: Path) -> dict[str, np.ndarray]:
    """Name -> float32 array from a tfjs weights manifest (or a model.json's weightsManifest) and its shards."""
    weights = {}
    for group in _groups(manifest):
        buffer = b"".join((manifest.parent / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            weights[spec["name"]], offset = _tensor(spec, buffer, offset)
    return weights


def _groups(manifest: Path) -> list[dict]:
    document = json.loads(manifest.read_text(encoding="utf-8"))
    return document["weightsManifest"] if isinstance(document, dict) else document


def _shards(manifest: Path) -> list[Path]:
    return [manifest.parent / path for group in _groups(manifest) for path in group["paths"]]


def _tensor(spec: dict, buffer: bytes, offset: int) -> tuple[np.ndarray, int]:
    """One weight from the concatenated shards; tfjs stores them back to back in manifest order."""
    count = int(np.prod(spec["shape"], dtype=np.int64))
    quantization = spec.get("quantization")
    dtype = np.dtype(quantization["dtype"] if quantization else spec["dtype"])
    raw = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    if quantization and "scale" in quantization:  # affine uint8/uint16 (tfjs io.decodeWeights): q * scale + min
        values = raw.astype(np.float32) * np.float32(quantization["scale"]) + np.float32(quantization["min"])
    else:  # float32, or float16 "quantisation"
        values = raw.astype(np.float32)
    return values.reshape(spec["shape"]).astype(np.float32), offset + count * dtype.itemsize


class _Graph:
    """Collects ONNX nodes and initialisers while the net is written layer by layer."""

    def __init__(self, weights: dict[str, np.ndarray]):
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.weights, self.nodes, self.initializers, self.count = weights, [], [], 0

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self.numpy_helper.from_array(np.ascontiguousarray(value, np.float32), name))
        return name

    def node(self, op: str, inputs: list[str], **attributes) -> str:
        self.count += 1
        output = f"{op.lower()}{self.count}"
        self.nodes.append(self.helper.make_node(op, inputs, [output], **attributes))
        return output

    def conv(self, x: str, name: str, kernel: str, side: int, stride: int, *, group: int = 1, bias: bool = True,
             filters: np.ndarray | None = None) -> str:
        """A tfjs conv2d (or depthwise) + bias, from the weights named name/kernel (or these filters) and name/bias."""
        filters = self.weights[f"{name}/{kernel}"] if filters is None else filters
        # tfjs HWIO (depthwise: H, W, C, 1) -> ONNX OIHW (depthwise: C, 1, H, W)
        oihw = filters.transpose(2, 3, 0, 1) if group > 1 else filters.transpose(3, 2, 0, 1)
        inputs = [x, self.constant(f"{name}/{kernel}", oihw)]
        if bias:
            inputs.append(self.constant(f"{name}/bias", self.weights[f"{name}/bias"]))
        size = oihw.shape[-1]  # tfjs 'same' padding: the odd pixel goes after (bottom/right), as TensorFlow does
        total = max(0, (-(-side // stride) - 1) * stride + size - side)
        return self.node("Conv", inputs, kernel_shape=[size, size], strides=[stride, stride], group=group,
                         pads=[total // 2, total // 2, total - total // 2, total - total // 2])

    def grey_conv(self, x: str, name: str, side: int, stride: int) -> str:
        """dense0's conv2d on a grey image. face-api feeds it (g, g, g) minus the mean RGB, / 255, which is
        one conv over two channels: g, with the three channels' filters summed and / 255; and ones, with
        the mean's share as filter, so that the zero padding leaves the mean out at the borders as tfjs does."""
        filters = self.weights[f"{name}/filters"]  # HWIO
        mean = np.array(MEAN_RGB, np.float32)[:, None]
        both = np.stack([filters.sum(axis=2), -(filters * mean).sum(axis=2)], axis=2) / 255
        ones = self.node("Add", [self.node("Mul", [x, self.constant("zero", np.array(0.0))]),
                                 self.constant("one", np.array(1.0))])
        return self.conv(self.node("Concat", [x, ones], axis=1), name, "grey_filters", side, stride, filters=both)

    def separable(self, x: str, name: str, side: int, stride: int) -> str:
        """tf.separableConv2d + bias: depthwise 3x3 then pointwise 1x1, bias after the pointwise."""
        channels = self.weights[f"{name}/depthwise_filter"].shape[2]
        depthwise = self.conv(x, name, "depthwise_filter", side, stride, group=channels, bias=False)
        return self.conv(depthwise, name, "pointwise_filter", -(-side // stride), 1)

    def dense_block(self, x: str, name: str, side: int, *, first: bool) -> str:
        """denseBlock4: each conv's input is the ReLU of the sum of all earlier outputs. The sum is kept
        as a running total, one Add after each conv, which onnxruntime folds into that conv (its NCHWc
        kernels add, and apply a last ReLU, as they write the output); a Sum of them all it runs apart."""
        conv0 = self.grey_conv if first else self.separable
        total = self.node("Relu", [conv0(x, f"{name}/conv0", side, 2)])
        for index in (1, 2, 3):
            activated = total if index == 1 else self.node("Relu", [total])
            total = self.node("Add", [total, self.separable(activated, f"{name}/conv{index}", -(-side // 2), 1)])
        return self.node("Relu", [total])


def onnx_model(weights: dict[str, np.ndarray], *, softmax: bool) -> onnx.ModelProto:
    """The face-api net as an ONNX model: input "image" [N, 1, 112, 112] grey, output "output" [N, classes]."""
    import onnx
    from onnx import TensorProto, helper

    graph = _Graph(weights)
    x, side = "image", SIDE
    for block in range(DENSE_BLOCKS):
        x = graph.dense_block(x, f"dense{block}", side, first=block == 0)
        side = -(-side // 2)
    x = graph.node("AveragePool", [x], kernel_shape=[7, 7], strides=[2, 2])  # 'valid': 7x7 -> 1x1
    x = graph.node("Flatten", [x])
    x = graph.node("Gemm", [x, graph.constant("fc/weights", weights["fc/weights"]),
                            graph.constant("fc/bias", weights["fc/bias"])])
    if softmax:
        x = graph.node("Softmax", [x], axis=1)
    graph.nodes.append(helper.make_node("Identity", [x], ["output"]))
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, SIDE, SIDE])
    output = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", weights["fc/bias"].shape[0]])
    model = helper.make_model(helper.make_graph(graph.nodes, "faceapi", [image], [output], graph.initializers),
                              opset_imports=[helper.make_opsetid("", ONNX_OPSET)], producer_name="cloudscendo")
    onnx.checker.check_model(model)
    return model


def session(model: bytes) -> onnxruntime.InferenceSession:
    """One thread: a worker process reads one photo at a time, and the latency goal is per core."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def converted(manifest: Path, *, softmax: bool, cache: Path) -> bytes:
    """The net as serialised ONNX, from cache/ when these exact npm files were converted before."""
    key = hashlib.sha256(f"{CONVERTER_VERSION}".encode())
    for path in [manifest, *_shards(manifest)]:
        key.update(path.read_bytes())
    return cached(cache / f"{manifest.name.split('-')[0]}-{key.hexdigest()[:16]}.onnx",
                  lambda: onnx_model(read_weights(manifest), softmax=softmax).SerializeToString())


def cached(path: Path, build: Callable[[], bytes]) -> bytes:
    """The file's bytes when a process wrote them before, else build()'s, written there for the next one."""
    if path.is_file():
        return path.read_bytes()
    data = build()
    _write_atomically(path, data)
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    """Two processes starting together must never read half a file; a read-only var/ just skips the cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        return


@functools.cache
def sessions(directory: Path | None = None) -> dict[str, onnxruntime.InferenceSession]:
    """Both nets, from the npm files, once per process; raises ModelMissing without them."""
    cache = Path(settings.VAR_DIR) / "faceapi"
    return {net: session(converted(path, softmax=net == "expressions", cache=cache))
            for net, path in names.manifests(directory or names.model_dir()).items()}


def run(net: str, faces: np.ndarray) -> np.ndarray:
    """[N, 112, 112] float32 grey 0..255 -> the net's [N, 136] landmarks or [N, 7] probabilities."""
    return sessions()[net].run(["output"], {"image": np.ascontiguousarray(faces[:, None], np.float32)})[0]
