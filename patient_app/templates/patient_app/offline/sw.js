// The patient's offline helper (docs/phone-app.md), served from /me/sw.js by
// patient_app.offline.service_worker: its scope is the patient's pages under /me/ and nothing else.
//
// - The app shell (CONFIG.shell) and the offline page are kept at install, in the reader's
//   language; other static files the patient's pages ask for are kept as they are used.
// - The pages of CONFIG.kept (the crisis plan first) go to the network first; the last copy
//   opened is kept for when there is no connection. Any other page of /me/ is never kept: without
//   a connection the offline page stands in for it.
// - A form of CONFIG.queued sent without a connection waits in IndexedDB (CONFIG.database) with
//   the idempotency key its page made, and is sent again when the connection returns (a message
//   from a page, or a background sync). The server stores it once, however often it arrives.
// - Only what belongs to the person signed in is sent: a page tells the worker who that is, and
//   when someone else signs in on this device, what was kept for the last person is removed.
//   Signing out removes everything (platform/static/js/offline.js and the sign-out response).
"use strict";

const CONFIG = {{ config|safe }};
const SHELL = "gc-shell-" + CONFIG.version;
const PAGES = "gc-pages";
const QUEUE = "queue";
const META = "meta";

const kept = (path) => CONFIG.kept.some((pattern) => new RegExp(pattern).test(path));
const queued = (path) => CONFIG.queued.some((pattern) => new RegExp(pattern).test(path));
const wanted = (response) =>
  response && response.status === 200 && response.type === "basic" && !response.redirected;

// --- install and activate --------------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll(CONFIG.shell);
      const offline = await fetch(CONFIG.offline, { credentials: "same-origin" });
      if (!wanted(offline)) throw new Error("offline page: " + offline.status);
      await cache.put(CONFIG.offline, offline);
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("gc-shell-") && name !== SHELL)
          .map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

// --- requests --------------------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "GET") {
    if (url.pathname.startsWith(CONFIG.static) && !request.headers.has("range")) {
      event.respondWith(staticFile(event));
    } else if (url.pathname.startsWith(CONFIG.scope) && request.mode === "navigate") {
      event.respondWith(page(event, url));
    }
  } else if (request.method === "POST" && request.mode === "navigate" && queued(url.pathname)) {
    event.respondWith(form(event));
  }
});

// Static files: the kept copy at once, refreshed from the network for next time.
async function staticFile(event) {
  const cache = await caches.open(SHELL);
  const copy = await cache.match(event.request, { ignoreVary: true });
  const fresh = fetch(event.request).then((response) => {
    if (wanted(response)) {
      const keep = response.clone();
      event.waitUntil(cache.put(event.request, keep));
    }
    return response;
  });
  if (copy) {
    event.waitUntil(fresh.catch(() => null));
    return copy;
  }
  return fresh;
}

// Pages of /me/: the network first; a kept page's copy, or the offline page, without it.
async function page(event, url) {
  const keep = kept(url.pathname);
  const address = url.origin + url.pathname;
  try {
    const response = await fetch(event.request);
    if (keep && wanted(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(PAGES).then((cache) => cache.put(address, copy)));
    }
    return response;
  } catch (error) {
    const copy = keep ? await caches.match(address, { ignoreSearch: true, ignoreVary: true }) : null;
    return copy || offlinePage();
  }
}

async function offlinePage() {
  const copy = await caches.match(CONFIG.offline, { ignoreVary: true });
  return copy || Response.error();
}

// A check-in, habit mark or exercise answer: sent now, or kept until the connection returns.
async function form(event) {
  const copy = event.request.clone();
  try {
    return await fetch(event.request);
  } catch (error) {
    if (await enqueue(copy).catch(() => false)) {
      return Response.redirect(CONFIG.offline + "#saved", 303);
    }
    return offlinePage();
  }
}

// --- the queue (IndexedDB) -------------------------------------------------------------------

// Opened for each use and closed after, so signing out can delete the database at once.
function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(CONFIG.database, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(QUEUE, { keyPath: "key" });
      request.result.createObjectStore(META);
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
  });
}

// Runs work(store) in one transaction; resolves with what the function work returned gives
// once the transaction is complete.
async function inStore(name, mode, work) {
  const db = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const result = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(typeof result === "function" ? result() : undefined);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

function readMeta() {
  return inStore(META, "readonly", (store) => {
    const owner = store.get("owner");
    const csrf = store.get("csrf");
    return () => ({ owner: owner.result, csrf: csrf.result });
  });
}

async function enqueue(request) {
  const meta = await readMeta();
  const data = await request.formData();
  const key = data.get("idempotency_key");
  if (!meta.owner || typeof key !== "string" || !key) return false;
  const fields = [];
  for (const [name, value] of data.entries()) {
    if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields.push([name, value]);
  }
  const item = {
    key: key,
    url: request.url,
    fields: fields,
    csrf: data.get("csrfmiddlewaretoken") || "",
    owner: meta.owner,
    at: Date.now(),
  };
  await inStore(QUEUE, "readwrite", (store) => store.put(item));
  if (self.registration.sync) {
    self.registration.sync.register(CONFIG.syncTag).catch(() => null);
  }
  return true;
}

let flushing = null;

function flush() {
  if (!flushing) {
    flushing = send().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

async function send() {
  const meta = await readMeta();
  const all = await inStore(QUEUE, "readonly", (store) => {
    const request = store.getAll();
    return () => request.result;
  });
  const items = all.filter((item) => item.owner === meta.owner).sort((a, b) => a.at - b.at);
  let sent = 0;
  let refused = 0;
  for (const item of items) {
    const token = meta.csrf || item.csrf;
    const body = new URLSearchParams(item.fields);
    body.set("csrfmiddlewaretoken", token);
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Idempotency-Key": item.key, "X-CSRFToken": token },
      });
    } catch (error) {
      break; // still no connection: try again later
    }
    if (response.redirected && new URL(response.url).pathname === CONFIG.login) break;
    if (response.status === 403 || response.status === 408 || response.status === 429) break;
    if (response.status >= 500) break;
    await inStore(QUEUE, "readwrite", (store) => store.delete(item.key));
    if (response.redirected) sent += 1;
    else refused += 1; // sent back with errors: it needs the person
  }
  if (sent || refused) await tell({ type: "offline-sent", sent: sent, refused: refused });
}

async function tell(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

// --- who this device keeps things for ----------------------------------------------------------

async function hello(data) {
  const meta = await readMeta();
  if (meta.owner && meta.owner !== data.owner) await forgetPerson();
  await inStore(META, "readwrite", (store) => {
    store.put(String(data.owner), "owner");
    if (data.csrf) store.put(String(data.csrf), "csrf");
  });
  if (data.flush) await flush();
}

// Someone else signed in: the last person's pages and unsent forms go, and the offline page is
// fetched again for the new person (in their language).
async function forgetPerson() {
  await caches.delete(PAGES);
  await inStore(QUEUE, "readwrite", (store) => store.clear());
  await inStore(META, "readwrite", (store) => store.clear());
  try {
    const offline = await fetch(CONFIG.offline, { credentials: "same-origin" });
    if (wanted(offline)) await (await caches.open(SHELL)).put(CONFIG.offline, offline);
  } catch (error) {
    // no connection: the kept offline page stays until the next install
  }
}

// Signing out: every cache and the queue go.
async function forgetAll() {
  const names = await caches.keys();
  await Promise.all(names.map((name) => caches.delete(name)));
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(CONFIG.database);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

self.addEventListener("message", (event) => {
  if (event.origin && event.origin !== self.location.origin) return;
  const data = event.data || {};
  let work;
  if (data.type === "hello" && data.owner) work = hello(data);
  else if (data.type === "flush") work = flush();
  else if (data.type === "forget") work = forgetAll();
  else return;
  const reply = event.ports && event.ports[0];
  event.waitUntil(
    work.then(
      () => reply && reply.postMessage({ ok: true }),
      () => reply && reply.postMessage({ ok: false })
    )
  );
});

self.addEventListener("sync", (event) => {
  if (event.tag === CONFIG.syncTag) event.waitUntil(flush());
});

// --- push notifications (reminders) ---
// A reminder (docs/reminders.md): the payload is only a title, a content-free line and the
// address of the reminder's own link, which is always a page of this app.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const title = typeof data.title === "string" ? data.title : "Guided Care";
  const url = typeof data.url === "string" && data.url.startsWith(CONFIG.scope) ? data.url : CONFIG.scope;
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      tag: "guided-care-reminder",
      icon: CONFIG.icon,
      data: { url },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || CONFIG.scope;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname.startsWith(CONFIG.scope));
      if (open) return open.focus().then((client) => client.navigate(url));
      return self.clients.openWindow(url);
    })
  );
});
