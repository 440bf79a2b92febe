"""BlazeFace's two models rebuilt for onnxruntime, against LiteRT running the .tflite files themselves."""

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

from moods.emotion import blazeface, faceapi, tflite_onnx
from moods.emotion.local import decode_grey

# float32 through ~70-130 layers in two runtimes; the logits run to ~60 and the regressors to ~140 px
TOLERANCE = 1e-3
MODELS = {"short range": blazeface.SHORT_RANGE, "full range": blazeface.FULL_RANGE}


def _litert(model: blazeface.Model, image: np.ndarray) -> list[np.ndarray]:
    interpreter = Interpreter(model_path=str(blazeface.model_path(model)), num_threads=1)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.repeat(image[None, :, :, None], 3, axis=3))
    interpreter.invoke()
    return [interpreter.get_tensor(detail["index"]) for detail in interpreter.get_output_details()]


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("face", ["faces/happy/KA.HA1.29.png", "faces_wild/surprise/Adam_Mair_0001.jpg"])
def test_the_rebuilt_model_gives_litert_s_outputs(shared_data, face, name):
    model = MODELS[name]
    grey, _ = decode_grey((shared_data / face).read_bytes())
    image, _, _ = blazeface.letterboxed(grey, model.side, border=0.0)
    graph = tflite_onnx.onnx_model(blazeface.model_path(model).read_bytes())

    ours = faceapi.session(graph.SerializeToString()).run(None, {"image": image[None, None]})
    theirs = _litert(model, image)

    assert [output.shape for output in ours] == [output.shape for output in theirs]
    for values, reference in zip(ours, theirs, strict=True):
        assert np.abs(values - reference).max() < TOLERANCE
    logits = min(theirs, key=lambda output: output.shape[-1])
    assert (logits > 0).any()  # a face is there: the logits compared are not all background


def test_the_converted_models_are_cached_and_read_back(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    blazeface.session.cache_clear()
    blazeface.load()
    blazeface.session.cache_clear()
    monkeypatch.setattr(tflite_onnx, "onnx_model", lambda data: pytest.fail("converted twice"))

    blazeface.load()

    assert sorted(path.name.split("-")[0] for path in (tmp_path / "blazeface").iterdir()) == [
        "face_detection_full_range_sparse", "face_detection_short_range"]
    blazeface.session.cache_clear()


def test_an_operator_it_does_not_know_is_refused():
    reader = tflite_onnx._Reader(blazeface.model_path(blazeface.SHORT_RANGE).read_bytes())

    with pytest.raises(ValueError, match="SOFTMAX is not supported"):
        tflite_onnx._Builder(reader).add("SOFTMAX", [0], [1], None)
