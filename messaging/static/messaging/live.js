/* Live enhancement of a thread page: the page works without this file.
   Protocol: docs/live-protocol.md (version 1). */
(function () {
  "use strict";
  var list = document.getElementById("thread");
  if (!list || !window.WebSocket || !window.GuidedCareLive) { return; }
  var threadId = list.dataset.thread;
  var me = list.dataset.me;
  var last = parseInt(list.dataset.lastSequence, 10) || 0;
  var othersRead = parseInt(list.dataset.othersRead, 10) || 0;
  var form = document.getElementById("send-form");
  var state = form ? form.querySelector(".live-state") : null;

  function uuid() {
    return ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // A time as the page shows it: the person's language (English the British way) and zone.
  var momentFormat = null;
  function formatMoment(value) {
    var when = new Date(value);
    if (!momentFormat) {
      try {
        momentFormat = new Intl.DateTimeFormat(list.dataset.locale || undefined, {
          day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
          hourCycle: "h23", timeZone: list.dataset.timeZone || undefined
        });
      } catch (e) {
        momentFormat = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
      }
    }
    return momentFormat.format(when);
  }

  var live = null;
  function send(frame) {
    return live ? live.send(frame) : false;
  }

  function render(m) {
    var item = document.getElementById("m-" + m.sequence) || document.createElement("li");
    item.id = "m-" + m.sequence;
    item.className = "msg" + (m.sender === me ? " mine" : "");
    item.dataset.sequence = m.sequence;
    item.textContent = "";
    var meta = document.createElement("p");
    meta.className = "meta";
    var who = document.createElement("strong");
    who.textContent = m.sender_name;
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" " + formatMoment(m.created_at)));
    if (m.sender === me && !m.removed) {
      var read = document.createElement("span");
      read.className = "read-state";
      read.dataset.sequence = m.sequence;
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(read);
    }
    var body = document.createElement("p");
    body.className = m.removed ? "removed" : "body";
    body.textContent = m.removed ? list.dataset.removedLabel : m.body;
    item.appendChild(meta);
    if (m.removed || m.body) { item.appendChild(body); }
    if (!m.removed && m.attachments && m.attachments.length) {
      var files = document.createElement("ul");
      files.className = "attachments";
      files.setAttribute("aria-label", list.dataset.attachmentsLabel || "");
      m.attachments.forEach(function (a) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        // The page's own download route (the same checks and access log as the server's links).
        link.href = list.dataset.attachmentUrl.replace("00000000-0000-0000-0000-000000000000", a.id);
        link.textContent = a.name;
        if (a.content_type.indexOf("image/") !== 0) { link.setAttribute("download", ""); }
        entry.appendChild(link);
        files.appendChild(entry);
      });
      item.appendChild(files);
    }
    if (!item.parentNode) {
      var empty = list.querySelector(".empty");
      if (empty) { empty.remove(); }
      list.appendChild(item);
    }
    markRead();
  }

  function markRead() {
    list.querySelectorAll(".read-state").forEach(function (el) {
      var seq = parseInt(el.dataset.sequence || el.closest("li").dataset.sequence, 10);
      el.textContent = othersRead >= seq ? list.dataset.readLabel : list.dataset.sentLabel;
    });
  }

  live = window.GuidedCareLive.open({
    // The heartbeat also catches up anything a lost layer event did not bring (live-protocol.md).
    ping: 20000,
    onopen: function () {
      var threads = {};
      threads[threadId] = last;
      send({ type: "resume", threads: threads });
    },
    onframe: function (frame) {
      if (frame.type === "message" && frame.message.thread === threadId) {
        render(frame.message);
        if (frame.message.sequence > last) {
          last = frame.message.sequence;
          if (!document.hidden) { send({ type: "read", thread: threadId, sequence: last }); }
        }
      } else if (frame.type === "receipt" && frame.thread === threadId && frame.user !== me) {
        othersRead = Math.max(othersRead, frame.sequence);
        markRead();
      } else if (frame.type === "ack" && form) {
        form.querySelector("textarea").value = "";
        form.querySelector("input[name=client_id]").value = uuid();
        if (state) { state.textContent = ""; }
      } else if (frame.type === "error" && state) {
        state.textContent = frame.detail;
      }
    }
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      var body = form.querySelector("textarea").value;
      var clientId = form.querySelector("input[name=client_id]").value;
      var picker = form.querySelector("input[type=file]");
      // Files travel only with the plain form post; the socket carries text.
      if (picker && picker.files.length) { return; }
      // The same client id as the plain form post: a retry either way is stored once.
      if (body.trim() && send({ type: "send", thread: threadId, client_id: clientId, body: body })) {
        event.preventDefault();
      }
    });
  }
})();
