// A capture's songs: the whole list beside one player. A song plays through the
// listener's first provider (its list item's data-order); a player that reports an
// error, or says nothing within READY_MS, gives way to the next provider, then to
// links to that exact track. Arrow keys, the ‹ › buttons and swipes move through
// the list; a disliked song leaves it and its replacement takes its place.
// Without this script every song still shows with its links, and the forms post.
(function () {
  "use strict";

  var ORIGINS = { youtube: "https://www.youtube-nocookie.com", spotify: "https://open.spotify.com" };
  var YOUTUBE_ERRORS = [2, 5, 100, 101, 150, 153]; // https://developers.google.com/youtube/iframe_api_reference#onError
  var READY_MS = 10000; // both players message the page once loaded; silence this long means no player
  var SWIPE_PX = 40;
  var POLL_MS = 1000;

  function frameFor(provider, song) {
    var frame = document.createElement("iframe");
    var src = song.dataset[provider];
    frame.src = provider === "youtube" ? src + "&origin=" + encodeURIComponent(window.location.origin) : src;
    frame.title = (provider === "youtube" ? "YouTube" : "Spotify") + " player: " + song.dataset.title;
    frame.className = "player-" + provider;
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin"); // YouTube refuses to play without it
    frame.allow = "autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    if (provider === "youtube") {
      frame.addEventListener("load", function () {
        // Ask the player for its events (errors included), as YouTube's own script would.
        frame.contentWindow.postMessage(JSON.stringify({ event: "listening", id: song.id, channel: "widget" }),
          ORIGINS.youtube);
      });
    }
    return frame;
  }

  function providersOf(song) {
    return (song.dataset.order || "").split(/\s+/).filter(function (name) { return ORIGINS[name]; });
  }

  function SongList(section) {
    this.section = section;
    this.list = section.querySelector("[data-list]");
    this.now = section.querySelector("[data-now]");
    this.player = section.querySelector("[data-player]");
    this.fallback = section.querySelector("[data-fallback]");
    this.status = section.querySelector("[data-status]");
    this.index = -1;
    this.now.hidden = false;
    section.classList.add("is-enhanced");
    this.bind();
    var songs = this.songs();
    var linked = songs.findIndex(function (s) { return "#" + s.id === window.location.hash; });
    this.play(Math.max(0, linked));
  }

  SongList.prototype.songs = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("[data-song]"));
  };

  SongList.prototype.play = function (index) {
    var songs = this.songs();
    if (!songs.length) { this.stop(); return; }
    this.index = (index + songs.length) % songs.length;
    var self = this;
    songs.forEach(function (song, i) {
      song.setAttribute("aria-current", i === self.index ? "true" : "false");
    });
    this.song = songs[this.index];
    this.providers = providersOf(this.song);
    this.attempt = 0;
    this.status.textContent = "Song " + (this.index + 1) + " of " + songs.length + ": " + this.song.dataset.title;
    this.load();
  };

  SongList.prototype.stop = function () {
    clearTimeout(this.timer);
    this.frame = null;
    this.player.replaceChildren();
  };

  SongList.prototype.load = function () {
    this.stop();
    this.fallback.hidden = true;
    var provider = this.providers[this.attempt];
    if (!provider) { this.showLinks(); return; }
    this.provider = provider;
    this.song.dataset.playing = provider;
    this.frame = frameFor(provider, this.song);
    this.player.appendChild(this.frame);
    this.timer = setTimeout(this.giveUp.bind(this), READY_MS);
  };

  SongList.prototype.giveUp = function () {
    this.attempt += 1;
    this.load();
  };

  SongList.prototype.showLinks = function () {
    this.song.dataset.playing = "links";
    var links = this.fallback.querySelector("[data-fallback-links]");
    links.replaceChildren();
    this.song.querySelectorAll("a[data-exact], a[data-search]").forEach(function (link) {
      var copy = link.cloneNode(true);
      copy.className = "button button-secondary";
      links.appendChild(copy);
    });
    this.fallback.hidden = false;
  };

  SongList.prototype.heard = function (event) {
    if (!this.frame || event.source !== this.frame.contentWindow || event.origin !== ORIGINS[this.provider]) { return; }
    var data = event.data;
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (error) { return; }
    }
    if (this.provider === "youtube" && data && data.event === "onError" &&
        YOUTUBE_ERRORS.indexOf(Number(data.info)) !== -1) {
      this.giveUp();
      return;
    }
    clearTimeout(this.timer); // the player is there and talking
  };

  SongList.prototype.bind = function () {
    var self = this;
    this.section.querySelector("[data-prev]").addEventListener("click", function () { self.play(self.index - 1); });
    this.section.querySelector("[data-next]").addEventListener("click", function () { self.play(self.index + 1); });
    this.section.addEventListener("keydown", function (event) {
      if (event.target.matches("input, textarea, select")) { return; }
      if (event.key === "ArrowRight") { self.play(self.index + 1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { self.play(self.index - 1); event.preventDefault(); }
    });
    this.list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-play]");
      if (!button) { return; }
      self.play(self.songs().indexOf(button.closest("[data-song]")));
      self.now.scrollIntoView({ block: "nearest" });
    });
    var startX = null;
    this.now.addEventListener("pointerdown", function (event) { startX = event.clientX; });
    this.now.addEventListener("pointerup", function (event) {
      if (startX === null) { return; }
      var moved = event.clientX - startX;
      startX = null;
      if (Math.abs(moved) >= SWIPE_PX) { self.play(self.index + (moved < 0 ? 1 : -1)); }
    });
    window.addEventListener("message", function (event) { self.heard(event); });
    this.list.querySelectorAll("[data-play]").forEach(function (button) { button.hidden = false; });
  };

  // A disliked song leaves the list; the server's replacement takes its place.
  SongList.prototype.replace = function (song, html) {
    var wasPlaying = song === this.song;
    var index = this.songs().indexOf(song);
    if (html) {
      var template = document.createElement("template");
      template.innerHTML = html.trim();
      var fresh = template.content.firstElementChild;
      song.replaceWith(fresh);
      enhanceSong(fresh, this);
    } else {
      song.remove();
    }
    if (wasPlaying) { this.play(index); return; }
    var songs = this.songs(); // the same song plays on; only its place in the count may change
    this.index = songs.indexOf(this.song);
    this.status.textContent = "Song " + (this.index + 1) + " of " + songs.length + ": " + this.song.dataset.title;
  };

  function enhanceSong(song, songList) {
    var play = song.querySelector("[data-play]");
    if (play) { play.hidden = false; }
    song.querySelectorAll("[data-feedback]").forEach(function (form) { bindFeedback(form, songList); });
  }

  function bindFeedback(form, songList) {
    if (form.dataset.ready) { return; }
    form.dataset.ready = "1";
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !window.fetch) { return; }
      event.preventDefault();
      var body = new FormData(form);
      body.set("feedback", button.value);
      fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (data.feedback === "dislike" && songList) {
            songList.replace(form.closest("[data-song]"), data.replacement);
            return;
          }
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

  // While the list is being built, fetch it again until it is there.
  function pollWhileBuilding(section) {
    setTimeout(function () {
      fetch(section.dataset.refreshUrl, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var template = document.createElement("template");
          template.innerHTML = html.trim();
          var fresh = template.content.querySelector("[data-songs]");
          section.replaceWith(fresh);
          init(fresh.parentNode);
        })
        .catch(function () { pollWhileBuilding(section); });
    }, POLL_MS);
  }

  function init(scope) {
    scope.querySelectorAll("[data-songs]").forEach(function (section) {
      if (section.dataset.ready) { return; }
      section.dataset.ready = "1";
      if (section.hasAttribute("data-building")) { pollWhileBuilding(section); return; }
      var songList = section.querySelector("[data-list]") ? new SongList(section) : null;
      section.querySelectorAll("[data-feedback]").forEach(function (form) { bindFeedback(form, songList); });
    });
  }

  window.Cloudscendo = window.Cloudscendo || {};
  window.Cloudscendo.initSongs = init;
  init(document);
})();
