// Capture page: webcam snapshot, sending without a reload, and waiting on the capture's status.
// Without JavaScript the forms post normally and the server redirects to the capture's page.
(function () {
  "use strict";

  // The status request is a long poll: the server holds it until the capture ends (done with its songs,
  // no face, failed) or up to this many seconds (it caps them at CAPTURE_STATUS_MAX_WAIT), so a new one
  // follows an answer at once. After a lost connection the next try waits RETRY_MS.
  const WAIT_SECONDS = 25;
  const RETRY_MS = 2000;
  const result = document.getElementById("capture-result");
  const statusLine = document.getElementById("capture-status");
  const reading = document.getElementById("capture-reading");
  const grid = document.querySelector("[data-capture-url]");

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function say(text) {
    result.hidden = false;
    statusLine.textContent = text;
  }

  // --- Showing a reading -------------------------------------------------------

  function scoresTable(scores) {
    const table = element("table", undefined, "scores");
    table.append(element("caption", "All expression scores"));
    const head = table.createTHead().insertRow();
    head.append(element("th", "Expression"), element("th", "Score"));
    head.cells[0].scope = head.cells[1].scope = "col";
    const body = table.createTBody();
    scores.forEach(function (row) {
      const tr = body.insertRow();
      const name = element("th", row.label.charAt(0).toUpperCase() + row.label.slice(1));
      name.scope = "row";
      const meter = element("meter", row.score.toFixed(1) + "%");
      meter.min = 0; meter.max = 100; meter.value = row.score;
      const cell = element("td");
      cell.append(meter, " " + row.score.toFixed(1) + "%");
      tr.append(name, cell);
    });
    return table;
  }

  // "You look happy (82 %)", "You picked: calm", "You said: calm (the photo looked sad, 41 %)".
  function mainLine(capture) {
    const line = element("p", "", "reading-main");
    const shown = capture.correction || capture.emotion;
    const strong = element("strong", capture.correction_label || capture.emotion_label);
    strong.dataset.emotion = shown;
    if (capture.source === "manual") {
      line.append("You picked: ", strong);
      return line;
    }
    const percent = Math.round(capture.confidence) + " %";
    let detail = capture.correction ? "the photo looked " + capture.emotion_label + ", " + percent : percent;
    if (capture.face_count > 1) {
      detail += "; " + capture.face_count + " faces, " + (capture.group ? "all of them averaged" : "the largest decided");
    }
    line.append(capture.correction ? "You said: " : "You look ", strong, " ",
                element("span", "(" + detail + ")", "confidence"));
    return line;
  }

  function correctionButtons(capture) {
    const form = element("form", undefined, "corrections");
    form.method = "post";
    form.action = capture.correct_url;
    form.append(element("span", "Is it rather… "));
    capture.corrections.forEach(function (option) {
      const button = element("button", option.label.charAt(0).toUpperCase() + option.label.slice(1),
                             "button button-secondary button-compact");
      button.type = "submit";
      button.name = "emotion";
      button.value = option.emotion;
      form.append(button, " ");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const data = new FormData();
      data.append("emotion", event.submitter.value);
      fetch(form.action, {method: "POST", body: data, credentials: "same-origin",
                          headers: {Accept: "application/json", "X-CSRFToken": csrfToken()}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (corrected) { return show(corrected); })
        .catch(function () { say("The correction could not be sent. Please try again."); });
    });
    return form;
  }

  function uncertainNote(capture) {
    const note = element("div", undefined, "warning");
    note.append(element("p", capture.status === "no_face"
      ? (capture.error || "We could not find a face in this photo.") : "We are not sure about this reading."));
    if (capture.corrections && capture.corrections.length) note.append(correctionButtons(capture));
    const retake = element("a", "Retake the photo");
    retake.href = grid ? "#camera-heading" : document.querySelector("a.button").href;
    const pick = element("a", "pick your mood");
    pick.href = grid ? "#mood-heading" : retake.href + "#mood-heading";
    const other = element("p");
    other.append(retake, " or ", pick, ".");
    note.append(other);
    return note;
  }

  function songsLink(url) {
    const link = element("a", "Change how songs are chosen, or describe what you want to hear");
    link.href = url;
    const line = element("p");
    line.append(link);
    return line;
  }

  // The reading's songs, right under it, with the first one loaded in its player.
  function showSongs(capture) {
    const box = element("div", undefined, "capture-songs");
    box.textContent = "Finding songs for you…";
    reading.append(box);
    return fetch(capture.songs_list_url, {headers: {Accept: "text/html"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        box.innerHTML = html;  // our own server-rendered fragment, escaped by the template engine
        if (window.Cloudscendo && window.Cloudscendo.initSongs) window.Cloudscendo.initSongs(box);
      })
      .catch(function () {
        box.replaceChildren(songsLink(capture.songs_url));
      });
  }

  function show(capture) {
    say(capture.pending ? "Your photo is " + capture.status_label + "…" : statusText(capture));
    reading.replaceChildren();
    if (capture.pending) return Promise.resolve();
    if (capture.status === "failed") {
      reading.append(element("p", capture.error || "The analysis failed.", "error"));
      return Promise.resolve();
    }
    if (capture.uncertain && !capture.correction) reading.append(uncertainNote(capture));  // the warning leads
    if (capture.emotion) reading.append(mainLine(capture));
    const songs = capture.songs_list_url ? showSongs(capture) : Promise.resolve();
    const rest = [];
    if (capture.songs_url) rest.push(songsLink(capture.songs_url));
    // Several faces: each one's box and emotion (face_boxes.js), under the songs so they stay in view.
    const faces = window.Cloudscendo && window.Cloudscendo.faceFigure && window.Cloudscendo.faceFigure(capture);
    if (faces) rest.push(faces);
    if (capture.emotion && capture.face_count > 0) rest.push(scoresTable(capture.scores));
    rest.push(element("p", "An expression is not a feeling: this is how the photo looks, not how you feel.", "help"));
    return songs.then(function () { reading.append.apply(reading, rest); });
  }

  function statusText(capture) {
    if (capture.status === "done") return capture.source === "manual" ? "Here are songs for your mood." : "Your reading is ready.";
    return capture.status_label.charAt(0).toUpperCase() + capture.status_label.slice(1) + ".";
  }

  // Bring the reading and its first player into view, above the capture cards' fold.
  function reveal() {
    result.scrollIntoView({block: "start"});
  }

  function wait(url) {
    fetch(url + "?wait=" + WAIT_SECONDS, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (capture) {
        if (capture.pending) { show(capture); wait(url); return; }
        show(capture).then(grid ? reveal : function () {});
      })
      .catch(function () { say("Lost contact with the server; retrying…"); setTimeout(wait, RETRY_MS, url); });
  }

  // --- Sending -------------------------------------------------------------------

  function post(url, data) {
    // Photos on S3: direct_upload.js sends the photo to the bucket itself, then confirms it here.
    const direct = window.Cloudscendo && window.Cloudscendo.directUpload;
    if (direct && data.has("photo")) return direct(data);
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {Accept: "application/json", "X-CSRFToken": csrfToken()}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      });
  }

  function send(url, data, onError) {
    say("Sending…");
    reading.replaceChildren();
    return post(url, data)
      .then(function (answer) {
        if (!answer.ok) { say(""); result.hidden = true; onError(answer.body.detail); return; }
        show(answer.body).then(reveal);
        if (answer.body.pending) wait(answer.body.status_url);
      })
      .catch(function () { onError("The photo could not be sent. Check your connection and try again."); });
  }

  function formError(form, message) {
    let box = form.querySelector(".js-error");
    if (!box) {
      box = element("p", "", "error js-error");
      box.setAttribute("role", "alert");
      form.prepend(box);
    }
    box.textContent = message || "";
  }

  // The server's own limits and words (moods.forms.upload_rules), checked here before a byte is sent.
  const rules = JSON.parse(document.getElementById("upload-rules").textContent);

  function pixelCount(file) {
    return createImageBitmap(file).then(function (bitmap) {
      const pixels = bitmap.width * bitmap.height;
      bitmap.close();
      return pixels;
    }, function () { return -1; });  // the browser cannot decode it: leave the verdict to the server
  }

  function uploadProblem(file) {
    if (!file) return Promise.resolve("Choose a photo first.");
    if (file.size === 0) return Promise.resolve(rules.messages.empty);
    if (file.size > rules.max_bytes) return Promise.resolve(rules.messages.too_big);
    if (file.type && !file.type.startsWith("image/")) return Promise.resolve(rules.messages.not_image);
    if (file.type && rules.types.indexOf(file.type) === -1) {
      return Promise.resolve(rules.messages.unsupported.replace("{format}", file.type.slice(6).toUpperCase()));
    }
    return pixelCount(file).then(function (pixels) {
      return pixels > rules.max_pixels ? rules.messages.too_many_pixels : "";
    });
  }

  function enhanceForms() {
    const upload = document.getElementById("upload-form");
    const mood = document.getElementById("mood-form");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      formError(upload, "");
      const data = new FormData(upload);
      uploadProblem(upload.querySelector("input[type=file]").files[0]).then(function (problem) {
        if (problem) { formError(upload, problem); return; }
        send(upload.action, data, function (message) { formError(upload, message); });
      });
    });
    mood.addEventListener("submit", function (event) {
      event.preventDefault();
      const data = new FormData(mood);
      if (event.submitter) data.append(event.submitter.name, event.submitter.value);
      send(mood.action, data, function (message) { formError(mood, message); });
    });
  }

  // --- Webcam ---------------------------------------------------------------------

  function enhanceCamera() {
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;  // file picker and mood buttons remain
    const $ = function (id) { return document.getElementById(id); };
    const video = $("camera-preview"), snapshot = $("camera-snapshot"), canvas = $("camera-canvas");
    const buttons = {start: $("camera-start"), take: $("camera-take"), retake: $("camera-retake"), send: $("camera-send")};
    let blob = null;
    $("camera").hidden = false;

    function mode(name) {
      video.hidden = name !== "live";
      snapshot.hidden = name !== "taken";
      buttons.start.hidden = name !== "off";
      buttons.take.hidden = name !== "live";
      buttons.retake.hidden = buttons.send.hidden = name !== "taken";
    }

    buttons.start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({video: {facingMode: "user"}, audio: false})
        .then(function (stream) { video.srcObject = stream; mode("live"); buttons.take.focus(); })
        .catch(function () {
          $("camera-message").textContent = "No camera is available or it was not allowed. Send a photo or pick your mood instead.";
        });
    });
    buttons.take.addEventListener("click", function () {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob(function (taken) {
        blob = taken;
        snapshot.src = URL.createObjectURL(taken);
        mode("taken");
        buttons.send.focus();
      }, "image/jpeg", 0.92);
    });
    buttons.retake.addEventListener("click", function () { mode("live"); buttons.take.focus(); });
    buttons.send.addEventListener("click", function () {
      const data = new FormData();
      data.append("photo", blob, "snapshot.jpg");
      data.append("source", "camera");
      send(grid.dataset.captureUrl, data, function (message) { $("camera-message").textContent = message; });
    });
  }

  // The on-device reader (device_reading.js) shows its saved readings the same way.
  window.Cloudscendo = window.Cloudscendo || {};
  window.Cloudscendo.captureShow = function (capture) { return show(capture).then(reveal); };

  if (grid) {
    enhanceForms();
    enhanceCamera();
  } else if (result && result.dataset.statusUrl) {
    wait(result.dataset.statusUrl);
  }
})();
