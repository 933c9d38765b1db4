/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce what went wrong.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
    // Stop a double click from sending a form twice; the server refuses doubles anyway.
    // Not where the answer may be a download: the page stays, and so must its buttons.
    document.querySelectorAll("form:not([data-download])").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
      });
    });
  });
})();
