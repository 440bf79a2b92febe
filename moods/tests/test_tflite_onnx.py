"""BlazeFace's short-range model rebuilt for onnxruntime, against LiteRT running the .tflite itself."""

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

from moods.emotion import blazeface, faceapi, tflite_onnx
from moods.emotion.local import decode_grey

# float32 through ~70 layers in two runtimes; the logits run to ~50 and the regressors to ~140 px
TOLERANCE = 1e-3


def _litert(image: np.ndarray) -> dict[str, np.ndarray]:
    interpreter = Interpreter(model_path=str(blazeface.model_path(blazeface.SHORT_RANGE)), num_threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.repeat(image[None, :, :, None], 3, axis=3))
    interpreter.invoke()
    return {detail["name"]: interpreter.get_tensor(detail["index"]) for detail in interpreter.get_output_details()}


@pytest.mark.parametrize("face", ["faces/happy/KA.HA1.29.png", "faces_wild/surprise/Adam_Mair_0001.jpg"])
def test_the_rebuilt_short_range_model_gives_litert_s_outputs(shared_data, face):
    grey, _ = decode_grey((shared_data / face).read_bytes())
    image, _, _ = blazeface.letterboxed(grey, blazeface.SHORT_RANGE.side, border=0.0)
    model = tflite_onnx.onnx_model(blazeface.model_path(blazeface.SHORT_RANGE).read_bytes())

    ours = faceapi.session(model.SerializeToString()).run(None, {"image": image[None, None]})
    theirs = _litert(image)

    assert [output.name for output in model.graph.output] == ["regressors", "classificators"]
    for name, values in zip(["regressors", "classificators"], ours, strict=True):
        assert values.shape == theirs[name].shape
        assert np.abs(values - theirs[name]).max() < TOLERANCE, name
    assert (theirs["classificators"] > 0).any()  # a face is there: the logits compared are not all background


def test_the_converted_model_is_cached_and_read_back(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    blazeface.short_range_session.cache_clear()
    blazeface.short_range_session()
    blazeface.short_range_session.cache_clear()
    monkeypatch.setattr(tflite_onnx, "onnx_model", lambda data: pytest.fail("converted twice"))

    blazeface.short_range_session()

    assert [path.name.split("-")[0] for path in (tmp_path / "blazeface").iterdir()] == ["face_detection_short_range"]
    blazeface.short_range_session.cache_clear()


def test_an_operator_it_does_not_know_is_refused():
    # the full-range model: fused activations and sparse weights (DENSIFY), which it stays on LiteRT for
    with pytest.raises(ValueError, match="not supported"):
        tflite_onnx.onnx_model(blazeface.model_path(blazeface.FULL_RANGE).read_bytes())
