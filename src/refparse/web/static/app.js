// refparse review page: the few things htmx does not do. Loaded from the server (the
// Content-Security-Policy allows no inline script); it never sends pasted text anywhere
// but to this server, in the forms' own requests.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function sizeText(n) {
    if (n >= 1048576) { return (n / 1048576).toFixed(1).replace(/\.0$/, "") + " MB"; }
    if (n >= 1024) { return Math.round(n / 1024) + " kB"; }
    return n + " bytes";
  }

  function flash(text) {
    var box = byId("flash");
    if (!box) {
      box = document.createElement("p");
      box.id = "flash";
      box.className = "error";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
  }

  // --- the paste form: files chosen or dropped, and the size limit checked before sending
  function setUpPaste(form) {
    var input = byId("files");
    var list = byId("file-list");
    var drop = byId("drop");
    var text = byId("text");
    var limit = parseInt(form.getAttribute("data-max-size"), 10);

    function showFiles() {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + sizeText(f.size) + ")";
        list.appendChild(li);
      });
    }

    input.addEventListener("change", showFiles);
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (ev) { ev.preventDefault(); drop.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("dragging"); });
    });
    drop.addEventListener("drop", function (ev) {
      ev.preventDefault();
      if (!ev.dataTransfer || !ev.dataTransfer.files.length) { return; }
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(ev.dataTransfer.files, function (f) { all.items.add(f); });
      input.files = all.files;
      showFiles();
    });

    form.addEventListener("submit", function (ev) {
      var size = new Blob([text.value]).size;
      Array.prototype.forEach.call(input.files, function (f) { size += f.size; });
      var box = byId("size-error");
      if (size > limit) {
        ev.preventDefault();
        box.textContent = "This is " + sizeText(size) + "; this server accepts at most " +
          form.getAttribute("data-max-size-text") + " at a time. Paste fewer references, or start the " +
          "server with a larger --max-size (for example --max-size 20M).";
        box.hidden = false;
        box.focus();
        return;
      }
      box.hidden = true;
      byId("read").disabled = true;
      byId("read").textContent = "Reading…";
    });
  }

  // --- copy the preview to the clipboard
  function copy(button) {
    var target = byId(button.getAttribute("data-copy"));
    var status = byId("copy-status");
    var text = target ? target.textContent : "";
    function done(ok) {
      if (status) { status.textContent = ok ? "Copied " + text.length + " characters." : "Could not copy: select the text and copy it."; }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(target)); });
    } else {
      done(fallbackCopy(target));
    }
  }

  function fallbackCopy(target) {
    var range = document.createRange();
    range.selectNodeContents(target);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button[data-copy]");
    if (button) { copy(button); }
  });

  // --- htmx: errors in words, focus where the keyboard user expects it
  document.addEventListener("htmx:responseError", function (ev) {
    var xhr = ev.detail.xhr;
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");  // parsed inert, read as text
    var message = (doc.body && doc.body.textContent || "").trim() || ("The server answered " + xhr.status + ".");
    flash(message);
  });
  document.addEventListener("htmx:sendError", function () {
    flash("The server did not answer. Is refparse serve still running?");
  });
  // htmx:load fires on new content once it is in the page (an outerHTML swap leaves the
  // requesting button detached, so events on it never reach the document).
  document.addEventListener("htmx:load", function (ev) {
    var box = byId("flash");
    if (box) { box.hidden = true; }
    var article = ev.detail.elt;
    if (!article.classList || !article.classList.contains("editing")) { return; }
    var refusal = article.querySelector(".error a");
    if (refusal) { refusal.focus(); return; }  // what was refused, first
    if (article.contains(document.activeElement)) { return; }  // htmx kept the focused button
    var first = article.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  });

  function ready() {
    var form = byId("paste-form");
    if (form) { setUpPaste(form); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
}());
