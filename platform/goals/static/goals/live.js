/* Live enhancement of a goal ladder page (the patient's and the clinician's): when someone else
   changes this ladder, the page fetches itself again and swaps in the ladder. The page works
   without this file. Protocol: docs/live-protocol.md (version 1). */
(function () {
  "use strict";
  var box = document.querySelector("[data-live-ladder]");
  if (!box || !window.WebSocket || !window.fetch || !window.DOMParser || !window.GuidedCareLive) {
    return;
  }
  var ladderId = box.dataset.liveLadder;
  var workspaceId = box.dataset.liveWorkspace;
  var status = document.querySelector("[data-live-status]");
  var notice = document.querySelector("[data-live-notice]");
  var showButton = notice ? notice.querySelector("button") : null;
  var timer = null;
  var dirty = false;
  var loading = false;
  var again = false;

  function current() { return document.querySelector("[data-live-ladder]"); }

  function busy() {
    var active = document.activeElement;
    var ladder = current();
    if (dirty) { return true; }
    return !!(active && ladder && ladder.contains(active) && active.form &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "hidden" &&
      active.type !== "submit" && active.type !== "button");
  }

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    // A fresh text node each time so screen readers announce a repeated "Updated".
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function swap() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector('[data-live-ladder="' + ladderId + '"]');
        var ladder = current();
        if (!fresh || !ladder) { return; }
        ladder.replaceWith(document.importNode(fresh, true));
        dirty = false;
        if (notice) { notice.hidden = true; }
        announce(box.dataset.updatedLabel);
      })
      .catch(function () { /* the next event or a reload shows the change */ })
      .then(function () {
        loading = false;
        if (again) { again = false; changed(); }
      });
  }

  function changed() {
    if (busy()) {
      if (notice) { notice.hidden = false; }
      return;
    }
    swap();
  }

  function onEvent(frame) {
    if (!frame.kind || frame.kind.indexOf("goals.") !== 0) { return; }
    if (frame.workspace !== workspaceId || !frame.data || frame.data.ladder !== ladderId) { return; }
    clearTimeout(timer);
    timer = setTimeout(changed, 150);  // one fetch for a burst of events
  }

  // Unsaved input anywhere in the ladder: never swap it away under the user's fingers.
  document.addEventListener("input", function (event) {
    var ladder = current();
    if (ladder && ladder.contains(event.target) && event.target.form) { dirty = true; }
  });
  document.addEventListener("submit", function () { dirty = false; });
  if (showButton) { showButton.addEventListener("click", swap); }

  window.GuidedCareLive.open({
    onframe: function (frame) {
      if (frame.v !== 1) { return; }
      if (frame.type === "event") { onEvent(frame); }
      else if (frame.type === "access_changed") { changed(); }
    },
    onreopen: changed  // something may have changed while the socket was away
  });
})();
