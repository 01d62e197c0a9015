// Parvis editor enhancements. The editor works without this script: the
// "Prévisualiser" and "Enregistrer" buttons do the same through the server.
// Here: live preview as you type, and a draft autosave every 10 seconds.
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form || !window.fetch || !window.FormData) return;
  var body = form.querySelector("#f-body");
  var section = document.getElementById("live-preview");
  var content = document.getElementById("preview-content");
  var status = document.getElementById("autosave-status");
  var timer = null, dirty = false, busy = false;

  function fields() {
    var fd = new FormData(form);
    fd.delete("image_file");
    fd.delete("attachment_file");
    fd.delete("op");
    return fd;
  }

  function preview() {
    var fd = new FormData();
    fd.append("body", body.value);
    fetch(form.dataset.preview, { method: "POST", body: fd, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        content.innerHTML = html; // sanitized by the server (bluemonday)
        section.hidden = false;
      })
      .catch(function () {});
  }

  if (body && section && content) {
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(preview, 500);
    });
  }

  if (!form.dataset.autosave || !status) return;
  form.addEventListener("input", function () { dirty = true; });
  setInterval(function () {
    if (!dirty || busy) return;
    dirty = false;
    busy = true;
    fetch(form.dataset.autosave, { method: "POST", body: fields(), credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 204) {
          var now = new Date();
          status.textContent = form.dataset.saved.replace("%s",
            now.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" }));
        } else {
          status.textContent = form.dataset.failed;
          dirty = true;
        }
      })
      .catch(function () { status.textContent = form.dataset.failed; dirty = true; })
      .then(function () { busy = false; });
  }, 10000);
})();
