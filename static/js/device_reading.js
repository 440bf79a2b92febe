// On-device reading: face-api (from npm, served from our static files) reads the face in this
// browser, and only its scores and face boxes are posted. The frame never leaves the page: it is
// drawn on a canvas that is never encoded, uploaded or stored.
// The pipeline is the server's (moods/emotion/local_faceapi.py) except for the detector: a grey
// copy of the frame (grey copied to three channels, as the server reads photos) -> face-api's tiny
// face detector (the server's BlazeFace on LiteRT and its Haar fallback are not loaded here) -> 68 landmarks on that box ->
// the expression net on the landmarks' box widened by 10 % a side (face-api's own alignment).
(function () {
  "use strict";

  var setupNode = document.getElementById("device-reading-setup");
  if (!setupNode) return;
  var setup = JSON.parse(setupNode.textContent);
  // face-api's FACE_EXPRESSION_LABELS -> our emotions (neutral is CALM; it has no CONFUSED).
  var CLASSES = { neutral: "CALM", happy: "HAPPY", sad: "SAD", angry: "ANGRY", fearful: "FEAR",
                  disgusted: "DISGUSTED", surprised: "SURPRISED" };
  // 224 px and 0.3: the tiny detector missed fewer faces that fill a 640x480 frame at 224 px than at
  // 416 px (README "On-device reading"), and it is the faster size.
  var DETECTOR = { inputSize: 224, scoreThreshold: 0.3 };
  var loading = null;

  function scriptLoad(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("face-api could not be loaded")); };
      document.head.append(script);
    });
  }

  // face-api's bundle (about 1.3 MB) and its three nets load on first use, not with the page.
  function load() {
    if (!loading) {
      loading = scriptLoad(setup.script_url).then(function () {
        var nets = window.faceapi.nets, tf = window.faceapi.tf;
        // WebAssembly: ~20x faster than tfjs's plain-JavaScript backend, and it works where WebGL
        // does not (software-rendered GPUs take seconds per frame). WebGL is the fallback.
        tf.setWasmPaths(setup.wasm_url);
        return tf.setBackend("wasm").then(function (ready) {
          return ready ? true : tf.setBackend("webgl");
        }).then(function () { return tf.ready(); }).then(function () {
          return Promise.all([nets.tinyFaceDetector.loadFromUri(setup.model_url),
                              nets.faceLandmark68Net.loadFromUri(setup.model_url),
                              nets.faceExpressionNet.loadFromUri(setup.model_url)]);
        });
      }).then(function () { return window.faceapi; });
      loading.catch(function () { loading = null; });  // a later click may try again
    }
    return loading;
  }

  // The frame (a video, image or canvas) as grey on a canvas of its own pixel size: ITU-R BT.601 luma,
  // as OpenCV's cvtColor(…, COLOR_BGR2GRAY) gives the server.
  function greyCanvas(source, width, height) {
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(source, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    var pixels = image.data;
    for (var i = 0; i < pixels.length; i += 4) {
      var luma = Math.round(0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2]);
      pixels[i] = pixels[i + 1] = pixels[i + 2] = luma;
    }
    context.putImageData(image, 0, 0);
    return canvas;
  }

  // face-api's probabilities -> 8 percentages in our order (setup.emotions), CONFUSED null.
  function scoresOf(expressions) {
    var byName = {};
    Object.keys(CLASSES).forEach(function (label) {
      byName[CLASSES[label]] = Math.round(expressions[label] * 10000) / 100;
    });
    return setup.emotions.map(function (name) { return name in byName ? byName[name] : null; });
  }

  function faceOf(result, width, height) {
    var box = result.detection.box;
    var left = Math.max(0, box.x), top = Math.max(0, box.y);
    var right = Math.min(width, box.x + box.width), bottom = Math.min(height, box.y + box.height);
    var fraction = function (value, size) { return Math.round(value / size * 10000) / 10000; };
    return { box: [fraction(left, width), fraction(top, height), fraction(right - left, width),
                   fraction(bottom - top, height)],
             scores: scoresOf(result.expressions) };
  }

  // Resolve to the faces in a frame, largest first: [{box: [l, t, w, h] fractions, scores: [8]}].
  function read(source, width, height) {
    return load().then(function (faceapi) {
      var options = new faceapi.TinyFaceDetectorOptions(DETECTOR);
      return faceapi.detectAllFaces(greyCanvas(source, width, height), options)
        .withFaceLandmarks().withFaceExpressions();
    }).then(function (results) {
      return results.map(function (result) { return faceOf(result, width, height); })
        .sort(function (a, b) { return b.box[2] * b.box[3] - a.box[2] * a.box[3]; });
    });
  }

  function topOf(scores) {
    var best = 0;
    scores.forEach(function (score, index) { if (score !== null && score > scores[best]) best = index; });
    return setup.emotions[best];
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // POST a reading as JSON (scores and boxes only); resolve to the server's answer or reject with its words.
  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                        headers: { Accept: "application/json", "Content-Type": "application/json",
                                   "X-CSRFToken": csrfToken() } })
      .then(function (response) {
        return response.json().then(function (answer) {
          return response.ok ? answer : Promise.reject(new Error(answer.detail || "The reading was refused."));
        });
      });
  }

  window.Cloudscendo = window.Cloudscendo || {};
  window.Cloudscendo.deviceReader = { setup: setup, load: load, read: read, topOf: topOf, post: post };

  // --- "Read my face on this device": one frame of the camera --------------------------

  var card = document.getElementById("device");
  if (!card || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;
  var video = document.getElementById("device-preview");
  var message = document.getElementById("device-message");
  var button = document.getElementById("device-read");
  card.hidden = false;

  function camera() {
    if (video.srcObject) return Promise.resolve(video);
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      return new Promise(function (resolve) {
        if (video.readyState >= 2) resolve(video);
        else video.addEventListener("loadeddata", function () { resolve(video); }, { once: true });
      });
    });
  }
  // The camera goes off once it is not needed: after one reading, or at the end of a live session.
  function cameraStop() {
    if (!video.srcObject) return;
    video.srcObject.getTracks().forEach(function (track) { track.stop(); });
    video.srcObject = null;
    video.hidden = true;
  }
  window.Cloudscendo.deviceCamera = camera;
  window.Cloudscendo.deviceCameraStop = cameraStop;

  button.addEventListener("click", function () {
    button.disabled = true;
    message.textContent = "Reading your face on this device…";
    camera().then(function () {
      return read(video, video.videoWidth, video.videoHeight);
    }).then(function (faces) {
      if (!window.Cloudscendo.liveRunning) cameraStop();
      if (!faces.length) return Promise.reject(new Error("No face found. Face the camera in good light and try again."));
      message.textContent = "Read on this device; sending the scores (not the picture)…";
      return post(setup.device_url, { model: setup.model, faces: faces });
    }).then(function (capture) {
      message.textContent = "";
      if (window.Cloudscendo.captureShow) return window.Cloudscendo.captureShow(capture);
      window.location.assign(capture.detail_url);
    }).catch(function (error) {
      message.textContent = error && error.name === "NotAllowedError"
        ? "No camera is available or it was not allowed. Send a photo or pick your mood instead."
        : (error && error.message) || "The reading failed. Please try again.";
    }).then(function () { button.disabled = false; });
  });
})();
