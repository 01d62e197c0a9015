// Live progress of a newsletter's sending: polls the JSON endpoint and
// updates the bar. Without JavaScript the page refreshes itself instead.
(function () {
  var box = document.querySelector("[data-progress]");
  if (!box) return;
  var bar = document.getElementById("prog-bar");
  var text = document.getElementById("prog-text");
  function tick() {
    fetch(box.getAttribute("data-progress"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        bar.max = p.total; bar.value = p.sent; bar.textContent = p.percent + " %";
        var t = p.sent + " / " + p.total + " — " + p.failed + " ✗";
        if (p.ends_in_seconds >= 0) t += " — ~" + p.ends_in_seconds + " s";
        text.firstChild.nodeValue = t + " ";
        if (p.finished || p.state !== "sending") { location.reload(); return; }
        setTimeout(tick, 1500);
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1500);
})();
