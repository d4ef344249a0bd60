// Saves exercise answers as the patient types (drafts, through the API) and keeps a copy in
// this browser while the connection is down. Without JavaScript the Save buttons do the same.
(function () {
  "use strict";
  var DELAY = 1200;

  function answerOf(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value;
        else if (!(el.name in data)) data[el.name] = "";
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data)) return;
      var value = data[el.name];
      if (el.type === "checkbox") el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      else if (el.type === "radio") el.checked = String(value) === el.value;
      else if (el.tagName === "TEXTAREA" || el.type === "text") el.value = value;
    });
  }

  function setup(form) {
    var status = form.querySelector(".autosave-status");
    var key = "exercise-draft:" + form.dataset.exercise;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var timer = null;
    var say = function (text) { if (status) status.textContent = text; };

    var kept = window.localStorage && localStorage.getItem(key);
    if (kept) {
      try { restore(form, JSON.parse(kept)); say(form.dataset.textRestored); }
      catch (e) { localStorage.removeItem(key); }
    }

    function save() {
      var data = answerOf(form);
      var body = { data: data, submit: false };
      if (form.dataset.page) body.page = form.dataset.page;
      fetch(form.dataset.autosaveUrl, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (response.ok) {
          if (window.localStorage) localStorage.removeItem(key);
          say(form.dataset.textSaved);
        } else if (response.status === 400) {
          return response.json().then(function (errors) {
            var first = Object.keys(errors)[0];
            say(form.dataset.textRefused + " " + [].concat(errors[first])[0]);
          });
        } else {
          say(form.dataset.textKept);
        }
      }).catch(function () { say(form.dataset.textOffline); });
    }

    form.addEventListener("input", function () {
      if (window.localStorage) localStorage.setItem(key, JSON.stringify(answerOf(form)));
      clearTimeout(timer);
      timer = setTimeout(save, DELAY);
    });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      if (window.localStorage) localStorage.removeItem(key);
    });
  }

  document.querySelectorAll("form.exercise-form[data-autosave-url]").forEach(setup);
})();
