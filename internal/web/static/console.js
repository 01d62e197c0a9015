// Keyboard shortcuts of the console's inbox (docs/CONSOLE.md). Everything
// works without this file: rows are links, actions are forms.
//   j / k  next / previous item        x  select the item (bulk actions)
//   o      open the item               a  assign    r  reply    c  close
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".inbox-row"));
  var current = -1;
  function typing(e) {
    var t = e.target;
    return e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)));
  }
  function focusRow(i) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, n) { r.classList.toggle("current", n === current); });
    var link = rows[current].querySelector(".inbox-link");
    if (link) { link.focus(); }
  }
  function open(hash) {
    if (current < 0) { return; }
    window.location.href = rows[current].getAttribute("data-href") + (hash || "");
  }
  function focusField(id) {
    var el = document.getElementById(id);
    if (el) { el.focus(); el.scrollIntoView({ block: "center" }); return true; }
    return false;
  }
  rows.forEach(function (r, n) {
    r.addEventListener("focusin", function () { current = n; });
  });
  document.addEventListener("keydown", function (e) {
    if (typing(e)) { return; }
    var onItem = !rows.length;
    switch (e.key) {
      case "j": if (!onItem) { focusRow(current + 1); e.preventDefault(); } break;
      case "k": if (!onItem) { focusRow(current - 1); e.preventDefault(); } break;
      case "x":
        if (current >= 0) {
          var box = rows[current].querySelector("input[type=checkbox]");
          if (box) { box.checked = !box.checked; }
          e.preventDefault();
        }
        break;
      case "o": open(""); break;
      case "a":
        if (onItem) { if (focusField("f-service")) { e.preventDefault(); } } else { open("#assign-form"); }
        break;
      case "r":
        if (onItem) { if (focusField("f-body")) { e.preventDefault(); } } else { open("#reply"); }
        break;
      case "c":
        var close = document.getElementById("close-form");
        if (onItem && close) { close.submit(); e.preventDefault(); }
        break;
    }
  });
  // Opened with "r" or "a" from the list: put the cursor in the field. Not
  // at once: the browser scrolls to the fragment, and moves the focus to it
  // (the viewport, as the section cannot take focus), once the page has
  // loaded, which would undo ours.
  function focusFromHash() {
    if (window.location.hash === "#reply") { focusField("f-body"); }
    if (window.location.hash === "#assign-form") { focusField("f-service"); }
  }
  if (document.readyState === "complete") { focusFromHash(); } else {
    window.addEventListener("load", function () { window.setTimeout(focusFromHash, 0); });
  }
})();
