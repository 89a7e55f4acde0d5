/* The assistant chat widget: talks to /api/v1/assistant/sessions with the session cookie.
   Every text from the server is set with textContent (never innerHTML), and only links to
   this site are followed. No inline script (Content-Security-Policy). */
(function () {
  "use strict";
  var KEY = "anxin.assistant.session";

  function init(root) {
    var api = root.dataset.api, panel = root.querySelector(".chat-panel");
    var launcher = root.querySelector(".chat-launcher"), log = root.querySelector(".chat-log");
    var form = root.querySelector(".chat-form"), input = root.querySelector("#chat-input");
    var status = root.querySelector(".chat-status"), busy = false, sessionId = null;

    function request(method, url, body) {
      var form = body instanceof FormData;
      var headers = { "X-CSRFToken": root.dataset.csrf, "Accept-Language": root.dataset.language };
      if (!form) { headers["Content-Type"] = "application/json"; }
      return fetch(url, {
        method: method,
        credentials: "same-origin",
        headers: headers,
        body: form ? body : (body ? JSON.stringify(body) : undefined)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            var error = (data && data.error) || {};
            var fields = error.fields ? Object.keys(error.fields).map(function (k) { return error.fields[k]; }) : [];
            throw new Error([error.message].concat(fields).filter(Boolean).join(" ") || root.dataset.error);
          }
          return data;
        });
      });
    }

    function safeUrl(url) { return typeof url === "string" && /^\/(?!\/)/.test(url) ? url : null; }

    function render(message) {
      var item = document.createElement("li");
      item.className = "chat-msg " + (message.role === "user" ? "from-user" : "from-bot");
      var who = document.createElement("span");
      who.className = "sr-only";
      who.textContent = (message.role === "user" ? root.dataset.you : root.dataset.bot) + ": ";
      var text = document.createElement("p");
      text.textContent = message.text;
      item.appendChild(who); item.appendChild(text);
      if (message.links && message.links.length) {
        var links = document.createElement("p");
        links.className = "chat-links";
        message.links.forEach(function (link) {
          var href = safeUrl(link.url);
          if (!href) { return; }
          var a = document.createElement("a");
          a.href = href; a.textContent = link.label;
          links.appendChild(a);
        });
        item.appendChild(links);
      }
      if (message.buttons && message.buttons.length) {
        var buttons = document.createElement("div");
        buttons.className = "chat-buttons";
        message.buttons.forEach(function (b) {
          var button = document.createElement("button");
          button.type = "button"; button.className = "chat-choice"; button.textContent = b.label;
          button.addEventListener("click", function () { send(b.label, b.choice); });
          buttons.appendChild(button);
        });
        item.appendChild(buttons);
      }
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }

    function start() {
      var known = window.sessionStorage && sessionStorage.getItem(KEY);
      var load = known
        ? request("GET", api + "/" + encodeURIComponent(known)).catch(function () { return null; })
        : Promise.resolve(null);
      return load.then(function (data) {
        if (data && data.status !== "closed") { return data; }
        return request("POST", api, { language: root.dataset.language, channel: "widget" });
      }).then(function (data) {
        sessionId = data.id;
        if (window.sessionStorage) { sessionStorage.setItem(KEY, sessionId); }
        log.replaceChildren();
        data.messages.forEach(render);
      });
    }

    function send(text, choice) {
      if (busy || !sessionId) { return; }
      text = (text || "").trim();
      if (!text && !choice) { return; }
      busy = true; status.textContent = "";
      render({ role: "user", text: text });
      request("POST", api + "/" + sessionId + "/messages", { text: text, choice: choice || "" })
        .then(function (data) { data.messages.forEach(render); })
        .catch(function (error) { status.textContent = error.message; })
        .then(function () { busy = false; input.focus(); });
    }

    function open() {
      panel.hidden = false; launcher.setAttribute("aria-expanded", "true");
      root.classList.add("is-open");
      (sessionId ? Promise.resolve() : start())
        .catch(function (error) { status.textContent = error.message; })
        .then(function () { input.focus(); });
    }
    function close() {
      panel.hidden = true; launcher.setAttribute("aria-expanded", "false");
      root.classList.remove("is-open"); launcher.focus();
    }

    root.querySelector(".chat-photo").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file || !sessionId || busy) { return; }
      var data = new FormData();
      data.append("file", file);
      busy = true; status.textContent = "";
      request("POST", api + "/" + sessionId + "/photos", data)
        .then(function () { render({ role: "user", text: "📷 " + root.dataset.photo + ": " + file.name }); })
        .catch(function (error) { status.textContent = error.message; })
        .then(function () { event.target.value = ""; busy = false; });
    });

    launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
    root.querySelector(".chat-close").addEventListener("click", close);
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { close(); } });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value; input.value = "";
      send(text, "");
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("assistant");
    if (root) { init(root); }
  });
})();
