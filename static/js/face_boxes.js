// Several faces in one photo: a box over each face with its number and emotion, and the same as a text list,
// saying which rule decided the reading (the largest face, or every face averaged by size).
// The capture page's script calls Cloudscendo.faceFigure(capture) for a reading it shows; the capture's own
// page renders the same markup on the server (moods/_faces.html) and this script only places the boxes.
(function () {
  "use strict";

  // The photo this page last sent, as the browser holds it: a listener who does not keep photos (a visitor's
  // trial, or "keep my photos" off) still sees the boxes, drawn over their own copy, which never leaves the tab.
  let sentPhoto = "";

  function remember(url) {
    if (sentPhoto && sentPhoto !== url && sentPhoto.startsWith("blob:")) URL.revokeObjectURL(sentPhoto);
    sentPhoto = url;
  }

  // Capture phase: noted before the capture page's own handlers send the photo.
  document.addEventListener("submit", function (event) {
    const input = event.target.querySelector && event.target.querySelector("input[type=file]");
    if (input && input.files && input.files[0]) remember(URL.createObjectURL(input.files[0]));
  }, true);
  document.addEventListener("click", function (event) {
    const snapshot = document.getElementById("camera-snapshot");
    if (event.target.closest && event.target.closest("#camera-send") && snapshot && snapshot.src) {
      sentPhoto = snapshot.src;  // made by capture.js, which keeps it for a retake: not ours to revoke
    }
  }, true);

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // Boxes are fractions of the photo stored as percentages, so they follow the image at any width.
  // Set through the CSSOM (not style attributes), which the site's CSP allows.
  function place(box) {
    const [left, top, width, height] = box.dataset.box.split(" ").map(Number);
    Object.assign(box.style, {left: left + "%", top: top + "%", width: width + "%", height: height + "%"});
  }

  function faceText(face) {
    const what = face.emotion ? face.label + " " + Math.round(face.score) + " %" : "expression unreadable";
    return "Face " + face.number + (face.number === 1 ? " (largest)" : "") + ": " + what
      + (face.decided ? " — decided the reading" : "");
  }

  function ruleText(capture) {
    return capture.face_count + " faces: " + (capture.group
      ? "all of them decided, averaged by size (group photo)." : "the largest face decided the reading.");
  }

  function photoWithBoxes(capture, source) {
    const frame = element("div", undefined, "face-photo");
    const image = element("img");
    image.src = source;
    image.alt = "Your photo, with a numbered box around each face (listed below)";
    frame.append(image);
    capture.faces.forEach(function (face) {
      const box = element("span", undefined, "face-box" + (face.decided ? " face-box-decided" : ""));
      box.append(element("span", face.number + " " + (face.emotion ? face.label : "?"), "face-tag"));
      box.dataset.box = face.box.join(" ");
      box.setAttribute("aria-hidden", "true");  // the list below says the same in words
      place(box);
      frame.append(box);
    });
    return frame;
  }

  function faceFigure(capture) {
    if (!capture.faces || capture.faces.length < 2) return null;
    const figure = element("figure", undefined, "face-figure");
    const source = capture.photo_url || sentPhoto;
    if (source) figure.append(photoWithBoxes(capture, source));
    const caption = element("figcaption");
    caption.append(element("p", ruleText(capture)));
    if (!source) caption.append(element("p", "The photo was not kept, so its boxes cannot be shown.", "help"));
    const list = element("ol", undefined, "face-list");
    capture.faces.forEach(function (face) { list.append(element("li", faceText(face))); });
    caption.append(list);
    figure.append(caption);
    return figure;
  }

  window.Cloudscendo = window.Cloudscendo || {};
  window.Cloudscendo.faceFigure = faceFigure;
  document.querySelectorAll(".face-box[data-box]").forEach(place);
})();
