// Progressive enhancements of the public pages. Everything works without
// this file: the link to copy is shown in a field, and printing is the
// browser's own command.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    var input = document.getElementById(btn.getAttribute("data-copy"));
    var status = document.getElementById("share-status");
    if (!input || !navigator.clipboard) { return; }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) { status.textContent = btn.getAttribute("data-copied"); }
      }, function () {
        input.select();
      });
    });
  });
  document.querySelectorAll("button[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });
})();
