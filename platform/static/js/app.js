// Enhancements for every page; each page works without them.
// (1) Scrollable table boxes become keyboard-scrollable regions.
// (2) A form that comes back with errors: move focus to the error summary so that it is read out
// and the person starts from the list of what to fix. A link in the summary focuses its field.
(function () {
  "use strict";

  function focusField(target) {
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    var label = document.querySelector('label[for="' + (field && field.id) + '"]') || target.querySelector("legend");
    (label || target).scrollIntoView({ block: "center" });
    (field || target).focus({ preventScroll: true });
  }

  // A table box that scrolls (wider or taller than the screen) can be scrolled from the
  // keyboard: it takes focus, and is a region named by its table's caption.
  function scrollableTables() {
    document.querySelectorAll(".table-scroll:not([tabindex])").forEach(function (box, index) {
      if (box.scrollWidth <= box.clientWidth && box.scrollHeight <= box.clientHeight) {
        return;
      }
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (caption) {
        caption.id = caption.id || "table-caption-" + index;
        box.setAttribute("aria-labelledby", caption.id);
      } else if (box.dataset.label) {
        box.setAttribute("aria-label", box.dataset.label);
      }
    });
  }

  function enhance() {
    scrollableTables();
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
