// Parvis Markdown editor: a formatting toolbar, an image picker and the
// newsletter's blocks over a plain text area. Everything here writes the
// Markdown one would type; the text area stays the source of truth and,
// without this script, the whole editor (the server hides the toolbar and
// offers the media library page and a server-side "Insérer le bloc").
(function () {
  "use strict";

  // insert replaces the selection [start, end) of area by text and selects
  // [selStart, selEnd) of the inserted text (all of it by default). Through
  // execCommand when the browser has it, so that Ctrl+Z undoes it.
  function insert(area, start, end, text, selStart, selEnd) {
    area.focus();
    area.setSelectionRange(start, end);
    var done = false;
    try { done = document.execCommand && document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done || area.value.substring(start, start + text.length) !== text) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (selStart === undefined) { selStart = 0; selEnd = text.length; }
    area.setSelectionRange(start + selStart, start + selEnd);
  }

  // wrap puts marks around the selection, or around a placeholder word.
  function wrap(area, mark, placeholder) {
    var s = area.selectionStart, e = area.selectionEnd;
    var sel = area.value.substring(s, e) || placeholder;
    // Marks must touch the words: keep the selection's spaces outside.
    var lead = sel.match(/^\s*/)[0], trail = sel.match(/\s*$/)[0];
    var word = sel.trim() || placeholder;
    var text = lead + mark + word + mark + trail;
    insert(area, s, e, text, lead.length + mark.length, lead.length + mark.length + word.length);
  }

  // lineBounds widens the selection to whole lines.
  function lineBounds(area) {
    var v = area.value, s = area.selectionStart, e = area.selectionEnd;
    var ls = v.lastIndexOf("\n", s - 1) + 1;
    if (e > s && v.charAt(e - 1) === "\n") e--;
    var le = v.indexOf("\n", e);
    return [ls, le < 0 ? v.length : le];
  }

  // blankBefore is what to put before a new block at pos so that it starts
  // a paragraph of its own.
  function blankBefore(v, pos) {
    if (pos === 0) return "";
    if (v.charAt(pos - 1) !== "\n") return "\n\n";
    return pos > 1 && v.charAt(pos - 2) !== "\n" ? "\n" : "";
  }

  function blankAfter(v, pos) {
    if (pos >= v.length) return "\n";
    if (v.charAt(pos) !== "\n") return "\n\n";
    return v.charAt(pos + 1) === "\n" ? "" : "\n";
  }

  // prefixLines starts every selected line with prefix(i) (a list, a quote,
  // a heading), or writes one line of placeholder when the line is empty.
  function prefixLines(area, prefix, placeholder) {
    var b = lineBounds(area), v = area.value;
    var lines = v.substring(b[0], b[1]).split("\n");
    if (lines.length === 1 && lines[0].trim() === "") lines = [placeholder];
    var text = lines.map(function (l, i) { return prefix(i) + l.replace(/^(#+ |> |- |\d+\. )/, ""); }).join("\n");
    var before = blankBefore(v, b[0]);
    insert(area, b[0], b[1], before + text, before.length + prefix(0).length, before.length + text.length);
  }

  // mdText escapes what would end a link's or image's text (as the server's
  // media library does) and folds line breaks.
  function mdText(s) {
    return s.replace(/\s+/g, " ").trim().replace(/\\/g, "\\\\").replace(/\[/g, "\\[").replace(/\]/g, "\\]");
  }

  function link(area, bar) {
    var s = area.selectionStart, e = area.selectionEnd;
    var url = window.prompt(bar.dataset.linkPrompt, "https://");
    if (url === null) { area.focus(); return; }
    url = url.trim();
    if (url === "" || url === "https://") { area.focus(); return; }
    if (!/^(https?:\/\/|mailto:|\/)/i.test(url)) url = (url.indexOf("@") > 0 ? "mailto:" : "https://") + url;
    var label = mdText(area.value.substring(s, e)) || bar.dataset.linkText;
    insert(area, s, e, "[" + label + "](" + url.replace(/\s/g, "%20").replace(/\)/g, "%29") + ")", 1, 1 + label.length);
  }

  var actions = {
    bold: function (a, bar) { wrap(a, "**", bar.dataset.boldText); },
    italic: function (a, bar) { wrap(a, "*", bar.dataset.italicText); },
    heading: function (a, bar) { prefixLines(a, function () { return "# "; }, bar.dataset.headingText); },
    bullets: function (a, bar) { prefixLines(a, function () { return "- "; }, bar.dataset.itemText); },
    numbers: function (a, bar) { prefixLines(a, function (i) { return (i + 1) + ". "; }, bar.dataset.itemText); },
    quote: function (a, bar) { prefixLines(a, function () { return "> "; }, bar.dataset.quoteText); },
    link: link
  };

  // A toolbar is one tab stop; the arrow keys move between its buttons.
  function roving(bar) {
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button"));
    buttons.forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
    bar.addEventListener("keydown", function (ev) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) return;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
  }

  function picker(area, dialog) {
    var list = dialog.querySelector("[data-picker-list]");
    var alt = dialog.querySelector("#" + area.id + "-alt");
    var error = dialog.querySelector("#" + area.id + "-picker-error");
    var form = dialog.querySelector("form");
    var loaded = false, autoAlt = "", range = [0, 0];

    function fail(msg, focus) {
      error.textContent = msg;
      error.hidden = false;
      if (focus === alt) alt.setAttribute("aria-invalid", "true");
      focus.focus();
    }

    function load() {
      fetch(dialog.dataset.src, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          list.innerHTML = html; // rendered and escaped by the server's template
          loaded = true;
          var first = list.querySelector("input[type=radio]");
          if (first) first.focus();
        })
        .catch(function () { list.textContent = dialog.dataset.failed; });
    }

    list.addEventListener("change", function (ev) {
      var r = ev.target;
      if (r.type !== "radio") return;
      // The library's alternative is a starting point: the author may say
      // what the image shows in this text.
      if (alt.value === "" || alt.value === autoAlt) alt.value = autoAlt = r.dataset.alt || "";
    });
    alt.addEventListener("input", function () { alt.removeAttribute("aria-invalid"); });

    form.addEventListener("submit", function (ev) {
      if (!ev.submitter || ev.submitter.value !== "insert") return;
      var chosen = list.querySelector("input[type=radio]:checked");
      if (!chosen) { ev.preventDefault(); fail(dialog.dataset.choiceMissing, list.querySelector("input[type=radio]") || alt); return; }
      if (alt.value.trim() === "") { ev.preventDefault(); fail(dialog.dataset.altMissing, alt); return; }
      dialog.returnValue = "insert";
      dialog.insertText = "![" + mdText(alt.value) + "](" + chosen.value + ")";
    });

    dialog.addEventListener("close", function () {
      var v = area.value;
      if (dialog.returnValue === "insert" && dialog.insertText) {
        var before = blankBefore(v, range[0]), after = blankAfter(v, range[1]);
        var text = before + dialog.insertText + after;
        insert(area, range[0], range[1], text, text.length, text.length);
      } else {
        area.focus();
        area.setSelectionRange(range[0], range[1]);
      }
      dialog.insertText = "";
    });

    return function open() {
      range = [area.selectionStart, area.selectionEnd];
      error.hidden = true;
      alt.value = autoAlt = "";
      alt.removeAttribute("aria-invalid");
      Array.prototype.forEach.call(list.querySelectorAll("input[type=radio]"), function (r) { r.checked = false; });
      dialog.returnValue = "";
      dialog.showModal();
      if (!loaded) load();
    };
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-md-toolbar]"), function (bar) {
    var area = document.getElementById(bar.dataset.mdToolbar);
    if (!area || typeof area.setRangeText !== "function") return;
    var dialog = document.querySelector("[data-md-picker='" + area.id + "']");
    if (dialog && typeof dialog.showModal === "function" && window.fetch) {
      actions.image = picker(area, dialog);
    } else {
      var img = bar.querySelector("[data-md=image]");
      if (img) img.remove(); // the media library link stays
    }
    bar.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-md]");
      if (b && actions[b.dataset.md]) actions[b.dataset.md](area, bar);
    });
    area.addEventListener("keydown", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey) return;
      var k = ev.key.toLowerCase();
      if (k === "b") { ev.preventDefault(); actions.bold(area, bar); }
      if (k === "i") { ev.preventDefault(); actions.italic(area, bar); }
    });
    roving(bar);
    bar.hidden = false;
  });

  // The newsletter's "Insérer un bloc": with the script, at the cursor.
  Array.prototype.forEach.call(document.querySelectorAll("[data-md-block]"), function (set) {
    var area = document.getElementById(set.dataset.mdBlock);
    var button = set.querySelector("button[value=insert_block]");
    if (!area || !button || typeof area.setRangeText !== "function") return;
    var status = document.createElement("p");
    status.className = "small";
    status.setAttribute("role", "status");
    set.appendChild(status);
    button.addEventListener("click", function (ev) {
      ev.preventDefault();
      var kind = set.querySelector("select[name=block_kind]").value;
      var what = set.querySelector("select[name=block]").value;
      var n = set.querySelector("select[name=block_count]").value;
      // The syntax of mailing.Block, which the server writes without script.
      var block = "[[" + kind + (what ? " " + what : "") + " " + n + "]]";
      // A block is a line of its own: the renderer reads whole lines.
      var s = area.selectionStart, e = area.selectionEnd, v = area.value;
      var before = blankBefore(v, s), after = blankAfter(v, e);
      var text = before + block + after;
      insert(area, s, e, text, text.length, text.length);
      status.textContent = set.dataset.inserted;
    });
  });
})();
