// Enhancements for every page; each page works without them.
// A form that comes back with errors: move focus to the error summary so that it is read out
// and the person starts from the list of what to fix. A link in the summary focuses its field.
(function () {
  "use strict";

  function focusField(target) {
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    var label = document.querySelector('label[for="' + (field && field.id) + '"]') || target.querySelector("legend");
    (label || target).scrollIntoView({ block: "center" });
    (field || target).focus({ preventScroll: true });
  }

  function enhance() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        focusField(target);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
