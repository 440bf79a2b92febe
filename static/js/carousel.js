// The song carousel: one song at a time, arrow keys, buttons and swipes; only the
// visible song's player is loaded. Without this script every song shows as a card
// with an "Open on YouTube" link, and like/dislike still work as plain forms.
(function () {
  "use strict";

  var PLAYER_ORIGIN = "https://www.youtube-nocookie.com";
  var EMBED_ERRORS = [2, 5, 100, 101, 150]; // https://developers.google.com/youtube/iframe_api_reference#onError
  var SWIPE_PX = 40;

  function playerFrame(slide) {
    var frame = document.createElement("iframe");
    frame.src = slide.dataset.embed + "&origin=" + encodeURIComponent(window.location.origin);
    frame.title = "Video: " + slide.dataset.title;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.addEventListener("load", function () {
      // Ask the player for its events (errors included), as the IFrame API script would.
      frame.contentWindow.postMessage(JSON.stringify({ event: "listening", id: slide.id, channel: "widget" }), PLAYER_ORIGIN);
    });
    return frame;
  }

  function showFallback(slide) {
    slide.classList.add("is-unplayable");
    var player = slide.querySelector("[data-player]");
    player.replaceChildren();
  }

  function Carousel(root) {
    this.root = root;
    this.slides = Array.prototype.slice.call(root.querySelectorAll("[data-slide]"));
    this.status = root.querySelector("[data-status]");
    this.prev = root.querySelector("[data-prev]");
    this.next = root.querySelector("[data-next]");
    this.index = Math.max(0, this.slides.findIndex(function (s) { return "#" + s.id === window.location.hash; }));
    root.classList.add("is-enhanced");
    this.prev.hidden = this.next.hidden = false;
    this.bind();
    this.show(this.index);
  }

  Carousel.prototype.show = function (index) {
    var self = this;
    this.index = (index + this.slides.length) % this.slides.length;
    this.slides.forEach(function (slide, i) {
      var visible = i === self.index;
      var player = slide.querySelector("[data-player]");
      slide.hidden = !visible;
      slide.setAttribute("aria-current", visible ? "true" : "false");
      if (!visible) {
        player.replaceChildren(); // stop and unload players that are not on screen
      } else if (slide.dataset.embed && !slide.classList.contains("is-unplayable") && !player.firstChild) {
        player.appendChild(playerFrame(slide));
      }
    });
    var current = this.slides[this.index];
    this.status.textContent = "Song " + (this.index + 1) + " of " + this.slides.length + ": " + current.dataset.title;
  };

  Carousel.prototype.bind = function () {
    var self = this;
    this.prev.addEventListener("click", function () { self.show(self.index - 1); });
    this.next.addEventListener("click", function () { self.show(self.index + 1); });
    this.root.addEventListener("keydown", function (event) {
      if (event.target.matches("input, textarea, select")) { return; }
      if (event.key === "ArrowRight") { self.show(self.index + 1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { self.show(self.index - 1); event.preventDefault(); }
    });
    var startX = null;
    this.root.addEventListener("pointerdown", function (event) { startX = event.clientX; });
    this.root.addEventListener("pointerup", function (event) {
      if (startX === null) { return; }
      var moved = event.clientX - startX;
      startX = null;
      if (Math.abs(moved) >= SWIPE_PX) { self.show(self.index + (moved < 0 ? 1 : -1)); }
    });
    window.addEventListener("message", function (event) {
      if (event.origin !== PLAYER_ORIGIN || typeof event.data !== "string") { return; }
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.event === "onError" && EMBED_ERRORS.indexOf(Number(data.info)) !== -1) {
        showFallback(self.slides[self.index]);
      }
    });
  };

  function bindFeedback(form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !window.fetch) { return; }
      event.preventDefault();
      var body = new FormData(form);
      body.set("feedback", button.value);
      fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          form.querySelectorAll("button[name=feedback]").forEach(function (b) {
            b.setAttribute("aria-pressed", b.value === data.feedback ? "true" : "false");
          });
        })
        .catch(function () { // fall back to the plain form post
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = "feedback";
          field.value = button.value;
          form.appendChild(field);
          form.submit();
        });
    });
  }

  document.querySelectorAll("[data-carousel]").forEach(function (root) {
    if (!root.dataset.ready) { root.dataset.ready = "1"; new Carousel(root); }
  });
  document.querySelectorAll("[data-feedback]").forEach(function (form) {
    if (!form.dataset.ready) { form.dataset.ready = "1"; bindFeedback(form); }
  });
})();
