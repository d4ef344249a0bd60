/* Live enhancement of the forum's pages (a space, a topic, the moderators' queue): when a post
   is published, hidden or held, the page fetches itself again and swaps in the part marked
   [data-live-forum]. Frames carry ids only (docs/live-protocol.md, version 1); the texts this
   script shows come from the page's data- attributes. The pages work without this file. */
(function () {
  "use strict";
  var box = document.querySelector("[data-live-forum]");
  if (!box || !window.WebSocket || !window.fetch || !window.DOMParser || !window.GuidedCareLive) {
    return;
  }
  var topicId = box.dataset.liveTopic || "";
  var status = document.querySelector("[data-live-status]");
  var timer = null;
  var loading = false;
  var again = false;

  function announce(text) {
    if (!status || !text) { return; }
    status.textContent = "";
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
        var fresh = page.querySelector("[data-live-forum]");
        var current = document.querySelector("[data-live-forum]");
        if (!fresh || !current || fresh.innerHTML === current.innerHTML) { return; }
        var active = document.activeElement;
        if (active && current.contains(active) && active.form) { return; }
        current.replaceWith(document.importNode(fresh, true));
        announce(box.dataset.updatedLabel);
      })
      .catch(function () { /* the next event or a reload shows the change */ })
      .then(function () {
        loading = false;
        if (again) { again = false; swap(); }
      });
  }

  function onEvent(frame) {
    if (frame.kind !== "forum.post" || !frame.data) { return; }
    if (topicId && frame.data.topic !== topicId) { return; }
    clearTimeout(timer);
    timer = setTimeout(swap, 150);  // one fetch for a burst of events
  }

  window.GuidedCareLive.open({
    onframe: function (frame) {
      if (frame.v === 1 && frame.type === "event") { onEvent(frame); }
    },
    onreopen: swap  // something may have changed while the socket was away
  });
})();
