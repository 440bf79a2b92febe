"""A float TFLite model rebuilt as an ONNX graph, for MediaPipe's BlazeFace face detectors.

LiteRT (with its XNNPACK delegate) runs those models in ~1.4-1.6x the CPU time
onnxruntime takes for the same graphs on one thread here (bench_emotion's notes
compare them), and the face finder runs on every photo. We read the .tflite
flatbuffer with LiteRT's own schema module, de-quantise its float16 weights (the
full-range model's sparse ones made dense by LiteRT itself), and write each
operator as its ONNX twin. Only what those two models use is known; anything else
raises ValueError.

TFLite tensors are NHWC, ONNX convs NCHW: the graph is NCHW throughout and turns
back to NHWC only for the outputs' reshapes, so the outputs keep TFLite's order.
The input is one grey channel, [1, 1, side, side]: our photos are grey (R = G = B),
so the first conv's filters are summed over its three input channels, which is
exact here because the model scales every channel alike (to [-1, 1]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from ai_edge_litert import schema_py_generated as schema

if TYPE_CHECKING:
    import onnx

ONNX_OPSET = 17
TFLITE_DTYPES = {schema.TensorType.FLOAT32: np.float32, schema.TensorType.FLOAT16: np.float16,
                 schema.TensorType.INT32: np.int32}
NHWC_TO_NCHW = [0, 3, 1, 2]
FUSED = {schema.ActivationFunctionType.NONE: None, schema.ActivationFunctionType.RELU: "Relu"}


class _Reader:
    """The first subgraph of a .tflite file: tensors, constant data and operators."""

    def __init__(self, data: bytes):
        self.bytes, self.dense = data, None
        self.model = schema.Model.GetRootAsModel(data, 0)
        self.graph = self.model.Subgraphs(0)
        self.codes = {code: name for name, code in vars(schema.BuiltinOperator).items() if not name.startswith("_")}

    def shape(self, index: int) -> tuple[int, ...]:
        return tuple(int(size) for size in self.graph.Tensors(index).ShapeAsNumpy())

    def data(self, index: int) -> np.ndarray:
        tensor = self.graph.Tensors(index)
        raw = self.model.Buffers(tensor.Buffer()).DataAsNumpy()
        if isinstance(raw, int):  # no buffer: a DENSIFY output
            self.dense = self.dense or self.densified()
            return self.dense[index]
        return np.frombuffer(raw.tobytes(), TFLITE_DTYPES[tensor.Type()]).reshape(self.shape(index))

    def densified(self) -> dict[int, np.ndarray]:
        """Sparse weights made dense by LiteRT itself: each DENSIFY operator's output after one invoke."""
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        interpreter = Interpreter(model_content=self.bytes, experimental_preserve_all_tensors=True,
                                  experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        interpreter.allocate_tensors()
        interpreter.invoke()
        return {outputs[0]: interpreter.get_tensor(outputs[0])
                for name, _, outputs, _ in self.operators() if name == "DENSIFY"}

    def operators(self):
        """(name, inputs, outputs, options table) per operator, in execution order."""
        for position in range(self.graph.OperatorsLength()):
            operator = self.graph.Operators(position)
            code = self.model.OperatorCodes(operator.OpcodeIndex())
            name = self.codes[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
            yield name, [int(i) for i in operator.InputsAsNumpy()], [int(i) for i in operator.OutputsAsNumpy()], \
                operator.BuiltinOptions()


def _options(kind, table):
    options = kind()
    options.Init(table.Bytes, table.Pos)
    return options


def _same_pads(side: int, size: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'SAME' padding before and after: the odd pixel goes after."""
    total = max((-(-side // stride) - 1) * stride + size - side, 0)
    return total // 2, total - total // 2


class _Builder:
    def __init__(self, reader: _Reader):
        from onnx import helper, numpy_helper

        self.reader, self.helper, self.numpy_helper = reader, helper, numpy_helper
        self.nodes, self.initializers, self.weights = [], [], {}
        self.first_conv = True

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attributes) -> str:
        self.nodes.append(self.helper.make_node(op, inputs, [output], **attributes))
        return output

    def add(self, name: str, inputs: list[int], outputs: list[int], table) -> None:
        """Write one TFLite operator as ONNX nodes; tensor i is named t{i}."""
        names, out = [f"t{i}" for i in inputs], f"t{outputs[0]}"
        if name == "DENSIFY":  # its output is read from LiteRT (Reader.densified) when a DEQUANTIZE needs it
            return
        if name == "DEQUANTIZE":  # float16 weights: kept as float32 constants, used by the convs
            self.weights[outputs[0]] = self.reader.data(inputs[0]).astype(np.float32)
        elif name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            self.conv(name, inputs, out, table)
        elif name == "MAX_POOL_2D":
            pool = _options(schema.Pool2DOptions, table)
            side, size, stride = self.reader.shape(inputs[0])[1], pool.FilterHeight(), pool.StrideH()
            if pool.Padding() == schema.Padding.SAME and _same_pads(side, size, stride) != (0, 0):
                raise ValueError("MAX_POOL_2D with SAME padding that pads is not supported")
            self.node("MaxPool", names[:1], out, kernel_shape=[pool.FilterHeight(), pool.FilterWidth()],
                      strides=[pool.StrideH(), pool.StrideW()])
        elif name == "PAD":
            pads = self.reader.data(inputs[1])[NHWC_TO_NCHW].astype(np.int64)
            self.node("Pad", [names[0], self.constant(f"{out}/pads", np.concatenate([pads[:, 0], pads[:, 1]]))], out)
        elif name in ("ADD", "RELU", "CONCATENATION"):
            self._plain(name, names, out, table)
        elif name == "RESIZE_BILINEAR":
            resize = _options(schema.ResizeBilinearOptions, table)
            if resize.AlignCorners() or not resize.HalfPixelCenters():
                raise ValueError("RESIZE_BILINEAR without half-pixel centres is not supported")
            sizes = np.array(self.reader.shape(outputs[0]))[NHWC_TO_NCHW]
            self.node("Resize", [names[0], "", "", self.constant(f"{out}/sizes", sizes)], out, mode="linear",
                      coordinate_transformation_mode="half_pixel")
        elif name == "DEPTH_TO_SPACE":
            self.node("DepthToSpace", names[:1], out, blocksize=_options(schema.DepthToSpaceOptions, table).BlockSize(),
                      mode="DCR")
        elif name == "RESHAPE":  # back to TFLite's NHWC order first, so the flattened rows match
            nhwc = self.node("Transpose", names[:1], f"{out}/nhwc", perm=[0, 2, 3, 1])
            self.node("Reshape", [nhwc, self.constant(f"{out}/shape", np.array(self.reader.shape(outputs[0])))], out)
        else:
            raise ValueError(f"TFLite operator {name} is not supported")

    def _plain(self, name: str, names: list[str], out: str, table) -> None:
        kind = {"ADD": schema.AddOptions, "CONCATENATION": schema.ConcatenationOptions}.get(name)
        activation = FUSED.get(_options(kind, table).FusedActivationFunction(), "?") if kind else None
        if activation == "?":
            raise ValueError(f"{name} with this fused activation is not supported")
        if name == "CONCATENATION" and _options(kind, table).Axis() not in (1, -2):
            raise ValueError("CONCATENATION only along the anchors' axis is supported")
        result = self.node({"ADD": "Add", "RELU": "Relu", "CONCATENATION": "Concat"}[name], names,
                           f"{out}/raw" if activation else out, **({"axis": 1} if name == "CONCATENATION" else {}))
        if activation:
            self.node(activation, [result], out)

    def conv(self, name: str, inputs: list[int], out: str, table) -> None:
        depthwise = name == "DEPTHWISE_CONV_2D"
        options = _options(schema.DepthwiseConv2DOptions if depthwise else schema.Conv2DOptions, table)
        if options.FusedActivationFunction() not in FUSED or options.DilationHFactor() != 1:
            raise ValueError(f"{name} with this fused activation or dilation is not supported")
        filters, bias = (self.weights[i] if i in self.weights else self.reader.data(i).astype(np.float32)
                         for i in inputs[1:3])
        # TFLite OHWI (depthwise: 1, H, W, C) -> ONNX OIHW (depthwise: C, 1, H, W)
        oihw = filters.transpose(3, 0, 1, 2) if depthwise else filters.transpose(0, 3, 1, 2)
        if self.first_conv:  # the grey input: R = G = B
            oihw, self.first_conv = oihw.sum(axis=1, keepdims=True), False
        size, stride = oihw.shape[-1], options.StrideH()
        before, after = (_same_pads(self.reader.shape(inputs[0])[1], size, stride)
                         if options.Padding() == schema.Padding.SAME else (0, 0))
        activation = FUSED[options.FusedActivationFunction()]
        conv = self.node("Conv", [f"t{inputs[0]}", self.constant(f"{out}/w", oihw), self.constant(f"{out}/b", bias)],
                         f"{out}/raw" if activation else out, kernel_shape=[size, size], strides=[stride, stride],
                         group=oihw.shape[0] if depthwise else 1, pads=[before, before, after, after])
        if activation:
            self.node(activation, [conv], out)


def onnx_model(data: bytes) -> onnx.ModelProto:
    """The .tflite model as ONNX: input "image" [1, 1, side, side], outputs named and shaped as TFLite's."""
    import onnx
    from onnx import TensorProto, helper

    reader = _Reader(data)
    builder = _Builder(reader)
    (source,), side = reader.graph.InputsAsNumpy(), reader.shape(reader.graph.InputsAsNumpy()[0])[1]
    builder.node("Identity", ["image"], f"t{source}")
    for name, inputs, outputs, table in reader.operators():
        builder.add(name, inputs, outputs, table)
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, side, side])
    outputs = []
    for index in reader.graph.OutputsAsNumpy():
        name = reader.graph.Tensors(index).Name().decode()
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, reader.shape(index)))
        builder.node("Identity", [f"t{index}"], name)
    model = helper.make_model(helper.make_graph(builder.nodes, "tflite", [image], outputs, builder.initializers),
                              opset_imports=[helper.make_opsetid("", ONNX_OPSET)], producer_name="cloudscendo")
    onnx.checker.check_model(model)
    return model
