// The patient's app without a connection (docs/phone-app.md). Loaded on the patient's pages only
// (patient_app/templates/patient_app/offline/_script.html); every page works without it.
// (1) Registers the offline helper (the service worker, scope /me/) and tells it who is signed in,
//     so it only ever sends this person's saved forms, and asks it to send them when online.
// (2) Gives each check-in, habit mark and exercise answer a fresh idempotency key when the
//     person submits it, so a form sent twice (or again from the offline queue) stores once.
// (3) Signing out removes every copy this device keeps: caches, the queue, local drafts.
// (4) Says when forms saved offline were sent; on the offline page, says a form was saved.
(function () {
  "use strict";

  var script = document.querySelector("script[data-offline-worker]");
  if (!script) {
    return;
  }
  var config = script.dataset;
  var workers = "serviceWorker" in navigator && window.isSecureContext;

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(text, kind) {
    var main = document.getElementById("main");
    if (!main || !text) {
      return;
    }
    var box = main.querySelector(".messages:not([hidden])");
    if (!box) {
      box = document.createElement("div");
      box.className = "messages";
      box.setAttribute("role", "status");
      main.insertBefore(box, main.firstChild);
    }
    var line = document.createElement("p");
    line.classList.add("message", "message-" + kind);
    line.textContent = text;
    box.appendChild(line);
  }

  // --- (1) the offline helper ----------------------------------------------------------------

  function activeWorker(registration) {
    if (registration.active) {
      return Promise.resolve(registration.active);
    }
    var worker = registration.installing || registration.waiting;
    if (!worker) {
      return Promise.resolve(null);
    }
    return new Promise(function (resolve) {
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") {
          resolve(worker);
        } else if (worker.state === "redundant") {
          resolve(null);
        }
      });
    });
  }

  var registered = workers
    ? navigator.serviceWorker
        .register(config.offlineWorker, { scope: config.offlineScope })
        .catch(function () { return null; })
    : Promise.resolve(null);

  function tell(message) {
    return registered.then(function (registration) {
      return registration ? activeWorker(registration) : null;
    }).then(function (worker) {
      if (!worker) {
        return null;
      }
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(true); };
        worker.postMessage(message, [channel.port2]);
        setTimeout(resolve, 3000);
      });
    });
  }

  function hello() {
    return tell({ type: "hello", owner: config.offlineOwner, csrf: csrfToken(), flush: navigator.onLine });
  }

  if (workers) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type !== "offline-sent") {
        return;
      }
      if (data.sent) {
        say(config.sentLabel, "success");
      }
      if (data.refused) {
        say(config.refusedLabel, "error");
      }
    });
    navigator.serviceWorker.startMessages();
    hello();
    window.addEventListener("online", hello);
  }

  // --- (2) idempotency keys ------------------------------------------------------------------

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-queue]")) {
      return;
    }
    var field = form.querySelector("input[name=idempotency_key]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "idempotency_key";
      form.appendChild(field);
    }
    field.value = newKey();
  });

  // --- (3) signing out -----------------------------------------------------------------------

  function deleteQueue() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) {
        resolve();
        return;
      }
      var request = indexedDB.deleteDatabase(config.offlineDatabase);
      request.onsuccess = request.onerror = function () { resolve(); };
    });
  }

  function forget() {
    var jobs = [];
    try {
      window.localStorage.clear();
      window.sessionStorage.clear();
    } catch (error) {
      // storage switched off: nothing kept there
    }
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    if (workers) {
      jobs.push(tell({ type: "forget" }).then(function () {
        return navigator.serviceWorker.getRegistrations();
      }).then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }));
    }
    jobs.push(deleteQueue());
    return Promise.all(jobs.map(function (job) { return job.catch(function () { return null; }); }));
  }

  // Online, the sign-out goes at once: its response also asks the browser to clear this site's
  // caches and storage (Clear-Site-Data), whatever of the clearing here is not finished.
  // Offline, the clearing here is all there is, so the form waits for it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.getAttribute || form.getAttribute("action") !== config.signOut || form.dataset.forgotten) {
      return;
    }
    var clearing = forget();
    if (navigator.onLine) {
      return;
    }
    event.preventDefault();
    var leave = function () {
      form.dataset.forgotten = "1";
      form.submit();
    };
    var enough = new Promise(function (resolve) { setTimeout(resolve, 4000); });
    Promise.race([clearing, enough]).then(leave, leave);
  });

  // --- (4) the offline page ------------------------------------------------------------------

  if (window.location.hash === "#saved") {
    var saved = document.querySelector("[data-offline-saved]");
    var missing = document.querySelector("[data-offline-missing]");
    if (saved) {
      saved.hidden = false;
    }
    if (missing) {
      missing.hidden = true;
    }
  }
})();
