/* Turn Web Push notifications on or off for this browser (the patient's Reminders page).
   The subscription is made through the patient app's service worker and sent to the server,
   which sends only content-free reminders to it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var onButton = box.querySelector("[data-push-on]");
  var offButton = box.querySelector("[data-push-off]");

  function say(key) {
    var text = box.querySelector('[data-push-text="' + key + '"]');
    status.textContent = text ? text.content.textContent.trim() : "";
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response;
    });
  }
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function show(subscribed) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
    say(subscribed ? "on" : "off");
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
    say("unsupported");
    return;
  }
  if (Notification.permission === "denied") {
    say("blocked");
    return;
  }
  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(function (existing) {
      show(Boolean(existing));
    });
    onButton.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          say("blocked");
          return null;
        }
        return registration.pushManager
          .subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) })
          .then(function (subscription) {
            return post(box.dataset.subscribeUrl, subscription.toJSON());
          })
          .then(function () { show(true); });
      }).catch(function () { say("failed"); });
    });
    offButton.addEventListener("click", function () {
      registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return show(false);
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(box.dataset.unsubscribeUrl, { endpoint: endpoint });
        }).then(function () { show(false); });
      }).catch(function () { say("failed"); });
    });
  });
})();
