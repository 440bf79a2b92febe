// Live session: the camera stays on and this device reads the face about once a second
// (device_reading.js). Readings are smoothed, and a new mood counts only once it has held for
// HOLD_READINGS readings in a row; then the coming songs (never the one playing) are ranked again
// around it. Nothing is sent while the tab is hidden, and nothing is saved unless the listener
// keeps the session: then one capture with a timeline sampled every SAMPLE_SECONDS (less often
// past MAX_SAMPLES samples, about an hour).
(function () {
  "use strict";

  var reader = window.Cloudscendo && window.Cloudscendo.deviceReader;
  var panel = document.getElementById("live");
  if (!reader || !panel || !window.Cloudscendo.deviceCamera) return;

  var READ_EVERY_MS = 1000;
  var SMOOTHING = 0.5;  // each reading's weight in the running average: a blink or a glance moves it half-way
  var HOLD_READINGS = 3;  // about three seconds: a new mood must lead this many readings in a row
  var SAMPLE_SECONDS = 5;  // one timeline sample per 5 s at first
  var MAX_SAMPLES = 720;  // moods/device.py's limit: past it, every other sample goes and the step doubles
  var TRACE_LENGTH = 60;  // readings shown in the trace: the last minute
  var setup = reader.setup;
  var labels = JSON.parse(document.getElementById("emotion-labels").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var video = $("device-preview");
  var buttons = { start: $("live-start"), stop: $("live-stop"), keep: $("live-keep"), discard: $("live-discard"),
                  next: $("live-next") };
  var moodLine = $("live-mood"), traceNode = $("live-trace"), changes = $("live-changes");
  var playing = $("live-playing"), coming = $("live-coming"), samplesLine = $("live-samples");
  var session = null;

  function newSession() {
    return { started: performance.now(), smoothed: null, settled: "", candidate: "", held: 0, samples: [],
             trace: [], timer: null, nextSample: 0, every: SAMPLE_SECONDS, busy: false, songsAsked: "" };
  }

  function mode(name) {
    window.Cloudscendo.liveRunning = name === "running";
    if (name !== "running") window.Cloudscendo.deviceCameraStop();
    buttons.start.hidden = name === "running";
    buttons.stop.hidden = name !== "running";
    buttons.keep.hidden = buttons.discard.hidden = name !== "ended";
    panel.hidden = name === "off";
    document.getElementById("device").classList.toggle("live-on", name !== "off");
  }

  function seconds() { return (performance.now() - session.started) / 1000; }

  function smooth(scores) {
    if (!session.smoothed) return scores.slice();
    return scores.map(function (score, index) {
      return score === null ? null : SMOOTHING * score + (1 - SMOOTHING) * session.smoothed[index];
    });
  }

  // The smoothed scores, rounded and renormalised so they still add up to 100 for the server's check.
  function sampleScores(scores) {
    var total = scores.reduce(function (sum, score) { return sum + (score || 0); }, 0);
    return scores.map(function (score) { return score === null ? null : Math.round(score / total * 10000) / 100; });
  }

  function settle(top) {
    if (top === session.settled) { session.candidate = ""; session.held = 0; return; }
    session.held = top === session.candidate ? session.held + 1 : 1;
    session.candidate = top;
    if (session.held < HOLD_READINGS) return;
    session.settled = top;
    session.candidate = "";
    session.held = 0;
    moodLine.textContent = "Your mood: " + labels[top] + ".";
    var item = document.createElement("li");
    item.textContent = labels[top] + " from " + Math.round(seconds()) + " s";
    changes.append(item);
    songsFor(top);
  }

  function readOnce() {
    if (document.hidden || session.busy) return;  // a hidden tab neither reads nor sends
    session.busy = true;
    reader.read(video, video.videoWidth, video.videoHeight).then(function (faces) {
      if (!session) return;
      if (!faces.length) { traceAdd(""); return; }
      session.smoothed = smooth(faces[0].scores);
      var top = reader.topOf(session.smoothed);
      traceAdd(top);
      settle(top);
      if (seconds() >= session.nextSample) {
        var sample = { t: Math.round(seconds() * 10) / 10, scores: sampleScores(session.smoothed) };
        session.samples.push(sample);
        session.nextSample += session.every;
        if (session.samples.length >= MAX_SAMPLES) {
          session.samples = session.samples.filter(function (_, index) { return index % 2 === 0; });
          session.every *= 2;
        }
        samplesLine.textContent = "Timeline: " + session.samples.length + " samples, the latest " +
          labels[reader.topOf(sample.scores)] + ". It is saved only if you keep the session.";
      }
    }).catch(function () {
      moodLine.textContent = "This device could not read the camera just now; still trying.";
    }).then(function () { if (session) session.busy = false; });
  }

  // --- The trace: each reading's leading mood as a step on its own labelled row (not colour alone) ---

  var SVG = "http://www.w3.org/2000/svg";
  var ROW = 16, LABEL_WIDTH = 80, STEP = 6;

  function svgNode(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function traceAdd(top) {
    session.trace.push(top);
    if (session.trace.length > TRACE_LENGTH) session.trace.shift();
    traceDraw();
  }

  function traceDraw() {
    var rows = setup.emotions.filter(function (name) { return name !== "CONFUSED"; });
    var svg = svgNode("svg", { viewBox: "0 0 " + (LABEL_WIDTH + STEP * TRACE_LENGTH) + " " + ROW * rows.length,
                               "aria-hidden": "true", focusable: "false", class: "live-trace-chart" });
    rows.forEach(function (name, row) {
      var label = svgNode("text", { x: 0, y: row * ROW + ROW - 4, class: "live-trace-label" });
      label.textContent = labels[name];
      svg.append(label, svgNode("line", { x1: LABEL_WIDTH, x2: LABEL_WIDTH + STEP * TRACE_LENGTH,
                                          y1: row * ROW + ROW / 2, y2: row * ROW + ROW / 2, class: "live-trace-row" }));
    });
    session.trace.forEach(function (top, index) {
      var row = rows.indexOf(top);
      if (row < 0) return;  // no face in that reading: a gap
      svg.append(svgNode("rect", { x: LABEL_WIDTH + index * STEP, y: row * ROW + 3, width: STEP - 1, height: ROW - 6,
                                   class: "live-trace-mark", "data-emotion": top }));
    });
    traceNode.replaceChildren(svg);
    var last = session.trace[session.trace.length - 1];
    traceNode.setAttribute("aria-label", "Mood trace of the last " + session.trace.length + " readings; latest: " +
      (last ? labels[last] : "no face") + ". The list of changes below says the same in words.");
  }

  // --- The songs: the playing one stays; the coming ones follow the settled mood -----------

  function songsFor(emotion) {
    if (document.hidden) return;
    var current = playing.querySelector("[data-track]");
    var query = new URLSearchParams({ emotion: emotion });
    if (current) query.set("playing", current.dataset.track);
    session.songsAsked = emotion;
    fetch(setup.songs_url + "?" + query, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (!session || session.songsAsked !== emotion) return;  // the mood moved on meanwhile
        coming.innerHTML = html;  // our own server-rendered fragment, escaped by the template engine
        coming.dataset.emotion = emotion;
        if (!playing.querySelector("[data-track]")) playNext();
      })
      .catch(function () { moodLine.textContent = "Your mood: " + labels[emotion] + " (songs could not be loaded)."; });
  }

  function playerFor(song) {
    var provider = (song.dataset.order || "").split(/\s+/)[0];
    if (!provider) return null;
    var frame = document.createElement("iframe");
    frame.src = song.dataset[provider];
    frame.title = (provider === "youtube" ? "YouTube" : "Spotify") + " player: " + song.dataset.title;
    frame.className = "player-" + provider;
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.allow = "autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture";
    return frame;
  }

  function playNext() {
    var song = coming.querySelector("[data-track]");
    if (!song) return;
    var frame = playerFor(song);
    if (frame) song.append(frame);
    playing.replaceChildren(song);
    buttons.next.hidden = !coming.querySelector("[data-track]");
  }

  // --- Start, end, keep ---------------------------------------------------------------------

  function tick() { if (session && !document.hidden) readOnce(); }

  buttons.start.addEventListener("click", function () {
    buttons.start.disabled = true;
    moodLine.textContent = "Starting the camera and the reader on this device…";
    Promise.all([window.Cloudscendo.deviceCamera(), reader.load()]).then(function () {
      session = newSession();
      changes.replaceChildren();
      samplesLine.textContent = "";
      mode("running");
      moodLine.textContent = "Reading… a mood shows once it has held for a few seconds.";
      session.timer = setInterval(tick, READ_EVERY_MS);
      buttons.stop.focus();
    }).catch(function () {
      moodLine.textContent = "No camera is available or it was not allowed, so there is no live session.";
      panel.hidden = false;
    }).then(function () { buttons.start.disabled = false; });
  });

  buttons.stop.addEventListener("click", function () {
    clearInterval(session.timer);
    mode("ended");
    moodLine.textContent = session.samples.length
      ? "Session ended. Keep it to save its mood timeline (scores only), or discard it."
      : "Session ended before any reading; nothing to keep.";
    buttons.keep.hidden = !session.samples.length;
    (buttons.keep.hidden ? buttons.discard : buttons.keep).focus();
  });

  buttons.discard.addEventListener("click", function () {
    session = null;
    mode("off");
    buttons.start.focus();
  });

  buttons.keep.addEventListener("click", function () {
    buttons.keep.disabled = true;
    reader.post(setup.live_url, { model: setup.model, timeline: session.samples }).then(function (capture) {
      session = null;
      mode("off");
      moodLine.textContent = "";
      if (window.Cloudscendo.captureShow) return window.Cloudscendo.captureShow(capture);
      window.location.assign(capture.detail_url);
    }).catch(function (error) {
      moodLine.textContent = "The session could not be saved: " + error.message;
    }).then(function () { buttons.keep.disabled = false; });
  });

  buttons.next.addEventListener("click", playNext);

  // Back from a hidden tab: read again at once rather than on the next tick.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && session && session.timer && !buttons.stop.hidden) readOnce();
  });
})();
