// Photos on S3 (STORAGE_BACKEND=s3): the capture page sends a photo straight to the bucket. It asks
// this site for a presigned POST, posts the photo to the bucket under that POST's policy (size, type
// and key are checked by the bucket itself), then asks this site to check that it arrived and to
// queue its analysis. capture.js hands every photo to Cloudscendo.directUpload when it exists.
(function () {
  "use strict";

  const grid = document.querySelector("[data-direct-upload-url]");
  if (!grid) return;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // A POST to this site; resolves to {ok, body} like capture.js's own sends.
  function postHere(url, data) {
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {Accept: "application/json", "X-CSRFToken": csrfToken()}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      });
  }

  function postToBucket(upload, photo) {
    const form = new FormData();
    Object.keys(upload.fields).forEach(function (name) { form.append(name, upload.fields[name]); });
    form.append("Content-Type", photo.type);
    form.append("file", photo);  // the bucket ignores any field after the file, so it goes last
    // No cookies to the bucket: the signed policy is the only permission the page holds.
    return fetch(upload.url, {method: "POST", body: form, mode: "cors", credentials: "omit"});
  }

  // data: the FormData capture.js would have posted here (photo, source, group).
  function directUpload(data) {
    const photo = data.get("photo");
    const ask = new FormData();
    ask.append("source", data.get("source") || "upload");
    if (data.get("group")) ask.append("group", data.get("group"));
    ask.append("content_type", photo.type);
    ask.append("size", String(photo.size));
    return postHere(grid.dataset.directUploadUrl, ask).then(function (answer) {
      if (!answer.ok) return answer;
      return postToBucket(answer.body.upload, photo).then(function (response) {
        if (!response.ok) return {ok: false, body: {detail: answer.body.refused}};
        return postHere(answer.body.confirm_url, new FormData());
      });
    });
  }

  window.Cloudscendo = window.Cloudscendo || {};
  window.Cloudscendo.directUpload = directUpload;
})();
