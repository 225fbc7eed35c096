/* Rostra embed loader: shows a Rostra discussion inside any page of an allowed origin.
 *
 *   <div class="rostra-thread" data-rostra-site="SITE" data-rostra-url="URL" data-rostra-title="TITLE">
 *     <a href="BASE/discuss?site=SITE&url=URL">Read and join the discussion</a>
 *   </div>
 *   <script src="BASE/embed.js" async></script>
 *   <a href="URL#comments" data-rostra-count data-rostra-url="URL">Comments</a>
 *
 * The thread is rendered by Rostra as HTML and shown in a shadow root (styles isolated both ways);
 * writes go through the JSON API. Guests need no cookies: edit tokens, the reader id votes are
 * counted by, and the reader's own votes live in this page's localStorage.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  if (!script) return;
  var BASE = new URL(script.src, location.href).origin;
  var STORE = "rostra:";

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(STORE + key));
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (e) { /* private mode: the session still works, it just forgets */ }
  }

  function readerId() {
    var id = load("reader", null);
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      save("reader", id);
    }
    return id;
  }

  function liveTokens() {
    var tokens = load("tokens", {}), now = Date.now(), kept = {};
    Object.keys(tokens).forEach(function (id) {
      if (Date.parse(tokens[id].expires) > now) kept[id] = tokens[id];
    });
    save("tokens", kept);
    return kept;
  }

  function api(method, path, body, token) {
    var headers = {"X-Rostra-Reader": readerId()};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(BASE + "/api/v1" + path, {
      method: method, headers: headers, credentials: "omit", mode: "cors",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 204) return {ok: true, status: 204, data: null};
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    }, function () {
      return {ok: false, status: 0, data: {detail: "Rostra could not be reached. Your text is kept; try again."}};
    });
  }

  function Thread(host) {
    this.host = host;
    this.site = host.getAttribute("data-rostra-site");
    this.url = host.getAttribute("data-rostra-url") || location.href.split("#")[0];
    this.title = host.getAttribute("data-rostra-title") || document.title;
    this.root = host.attachShadow({mode: "open"});
    this.state = {sort: "oldest", page: 1};
    var self = this;
    this.root.addEventListener("click", function (event) { self.onClick(event); });
    this.root.addEventListener("submit", function (event) { self.onSubmit(event); });
    window.addEventListener("hashchange", function () { self.focusFromHash(true); });
  }

  Thread.prototype.fetchFragment = function (path, params) {
    var query = new URLSearchParams(params);
    return fetch(BASE + path + "?" + query.toString(), {credentials: "omit", mode: "cors"})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      });
  };

  Thread.prototype.show = function (html, focusId) {
    var self = this, holder = document.createElement("template");
    holder.innerHTML = html;  // Rostra's own fragment: comment bodies were sanitised when written
    var link = holder.content.querySelector("link[rel=stylesheet]");
    if (link) link.remove();
    var place = function () {
      self.root.replaceChildren.apply(self.root, self.link ? [self.link, holder.content] : [holder.content]);
      self.decorate();
      self.restoreAuthor();
      if (focusId) self.focus(focusId);
      else self.focusFromHash(false);
    };
    if (self.link || !link) {
      place();
      return Promise.resolve();
    }
    self.link = link;  // the first paint waits for the stylesheet: no unstyled flash
    self.root.replaceChildren(link);
    return new Promise(function (resolve) {
      var go = function () { place(); resolve(); };
      link.addEventListener("load", go, {once: true});
      link.addEventListener("error", go, {once: true});
    });
  };

  Thread.prototype.render = function (extra) {
    var self = this, params = {site: this.site, url: this.url, sort: this.state.sort, page: this.state.page};
    var focusId = extra && extra.focus;
    if (focusId) params.focus = focusId;
    return this.fetchFragment("/embed/thread", params).then(function (html) {
      return self.show(html, focusId);
    }, function (error) {
      self.failed(error);
    });
  };

  Thread.prototype.failed = function (error) {
    var message = document.createElement("p");
    message.className = "rostra-message";
    message.textContent = error && error.message === "404"
      ? "This discussion is not available here."
      : "The discussion could not be loaded from Rostra (is this site allowed to embed it?).";
    // the host's own link (light DOM) stays reachable through a slot
    this.root.replaceChildren(message, document.createElement("slot"));
  };

  Thread.prototype.decorate = function () {
    var tokens = liveTokens(), votes = load("votes", {}), root = this.root;
    Object.keys(tokens).forEach(function (id) {
      var actions = root.querySelector("#c" + id + "-main .comment-actions");
      if (!actions || actions.querySelector("[data-rostra-edit]")) return;
      ["edit", "delete"].forEach(function (what) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = what + "-link";
        button.setAttribute("data-rostra-" + what, id);
        button.textContent = what === "edit" ? "Edit" : "Delete";
        actions.appendChild(button);
      });
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-rostra-votes]"), function (box) {
      var mine = votes[box.getAttribute("data-rostra-votes")] || 0;
      Array.prototype.forEach.call(box.querySelectorAll("[data-rostra-vote]"), function (button) {
        button.setAttribute("aria-pressed", String(Number(button.getAttribute("data-rostra-vote")) === mine));
      });
    });
  };

  Thread.prototype.restoreAuthor = function () {
    var author = load("author", {});
    Array.prototype.forEach.call(this.root.querySelectorAll("form[data-rostra-form]"), function (form) {
      ["author_name", "author_email", "author_website"].forEach(function (name) {
        if (form.elements[name] && !form.elements[name].value && author[name]) form.elements[name].value = author[name];
      });
    });
  };

  Thread.prototype.focus = function (id) {
    var element = this.root.getElementById("c" + id);
    if (!element) return false;
    Array.prototype.forEach.call(this.root.querySelectorAll(".is-focused"), function (el) { el.classList.remove("is-focused"); });
    element.classList.add("is-focused");
    element.scrollIntoView({block: "start"});
    return true;
  };

  Thread.prototype.focusFromHash = function (fetchIfMissing) {
    var match = /^#c(\d+)$/.exec(location.hash);
    if (!match) return;
    if (!this.focus(match[1]) && fetchIfMissing) this.render({focus: match[1]});
  };

  Thread.prototype.onClick = function (event) {
    var target = event.target.closest("button, a");
    if (!target) return;
    var data = function (name) { return target.getAttribute("data-rostra-" + name); };
    if (data("sort") !== null) {
      this.state = {sort: data("sort"), page: 1};
      this.render();
    } else if (data("page") !== null) {
      this.state.page = Number(data("page"));
      this.render();
    } else if (data("reply") !== null) {
      this.openReply(data("reply"));
    } else if (data("cancel") !== null) {
      target.closest("form").remove();
    } else if (data("vote") !== null) {
      this.vote(target);
    } else if (data("edit") !== null) {
      this.openEdit(data("edit"));
    } else if (data("delete") !== null) {
      this.askRemove(target, data("delete"));
    } else if (data("delete-confirmed") !== null) {
      this.remove(data("delete-confirmed"));
    } else if (data("keep") !== null) {
      this.render();
    } else if (data("subthread") !== null) {
      event.preventDefault();
      this.subthread(data("subthread"), data("after") || "");
    } else if (data("back") !== null) {
      this.render();
    } else {
      return;
    }
    if (target.tagName === "A") event.preventDefault();
  };

  Thread.prototype.openReply = function (id) {
    var slot = this.root.getElementById("reply-slot-c" + id);
    var main = this.root.querySelector("form[data-rostra-form]:not([data-rostra-parent])");
    if (!slot || !main) return;
    if (slot.querySelector("form")) { slot.querySelector("textarea").focus(); return; }
    var form = main.cloneNode(true);
    form.setAttribute("data-rostra-parent", id);
    form.classList.add("reply-form");
    form.reset();
    Array.prototype.forEach.call(form.querySelectorAll("[id]"), function (el) { el.id = el.id + "_c" + id; });
    Array.prototype.forEach.call(form.querySelectorAll("label[for]"), function (el) { el.htmlFor = el.htmlFor + "_c" + id; });
    Array.prototype.forEach.call(form.querySelectorAll(".error, [data-rostra-errors] > *"), function (el) { el.remove(); });
    form.querySelector("button[type=submit]").textContent = "Post reply";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link";
    cancel.setAttribute("data-rostra-cancel", "");
    cancel.textContent = "Cancel";
    form.querySelector(".actions").appendChild(cancel);
    slot.appendChild(form);
    this.restoreAuthor();
    form.querySelector("textarea").focus();
  };

  Thread.prototype.showErrors = function (form, result) {
    var box = form.querySelector("[data-rostra-errors]");
    Array.prototype.forEach.call(form.querySelectorAll(".error"), function (el) { el.remove(); });
    var fieldErrors = (result.data && result.data.errors) || [];
    var general = [];
    fieldErrors.forEach(function (error) {
      var input = form.elements[error.field];
      if (input && input.type !== "hidden") {
        var note = document.createElement("span");
        note.className = "error";
        note.textContent = error.message;
        input.parentNode.insertBefore(note, input);
        input.setAttribute("aria-invalid", "true");
      } else {
        general.push(error.message);
      }
    });
    if (!fieldErrors.length) general.push((result.data && result.data.detail) || "Something went wrong; your text is kept.");
    box.replaceChildren();
    general.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    box.hidden = general.length === 0;
  };

  Thread.prototype.onSubmit = function (event) {
    var form = event.target;
    event.preventDefault();
    if (form.hasAttribute("data-rostra-edit-form")) return this.saveEdit(form);
    if (!form.hasAttribute("data-rostra-form")) return;
    var self = this, fields = form.elements, button = form.querySelector("button[type=submit]");
    var parent = form.getAttribute("data-rostra-parent");
    var body = {
      site: this.site, url: this.url, title: this.title,
      parent: parent ? Number(parent) : null,
      body: fields.body.value, author_name: fields.author_name.value,
      author_email: fields.author_email.value, author_website: fields.author_website.value
    };
    button.disabled = true;
    api("POST", "/comments", body).then(function (result) {
      button.disabled = false;
      if (!result.ok) return self.showErrors(form, result);
      var tokens = liveTokens();
      tokens[result.data.id] = {token: result.data.edit_token, expires: result.data.edit_expires};
      save("tokens", tokens);
      save("author", {author_name: body.author_name, author_email: body.author_email, author_website: body.author_website});
      self.state = {sort: "oldest", page: 1};
      self.render({focus: result.data.id}).then(function () { self.refreshCounts(); });
    });
  };

  Thread.prototype.vote = function (button) {
    var box = button.closest("[data-rostra-votes]"), id = box.getAttribute("data-rostra-votes");
    var votes = load("votes", {}), value = Number(button.getAttribute("data-rostra-vote"));
    if (votes[id] === value) value = 0;  // pressing a pressed button takes the vote back
    api("POST", "/comments/" + id + "/vote", {value: value}).then(function (result) {
      if (!result.ok) return;
      votes[id] = result.data.mine;
      save("votes", votes);
      box.querySelector(".score").textContent = String(result.data.score);
      Array.prototype.forEach.call(box.querySelectorAll("[data-rostra-vote]"), function (b) {
        b.setAttribute("aria-pressed", String(Number(b.getAttribute("data-rostra-vote")) === result.data.mine));
      });
    });
  };

  Thread.prototype.openEdit = function (id) {
    var self = this, main = this.root.getElementById("c" + id + "-main");
    var body = main && main.querySelector(".comment-body");
    if (!body || main.querySelector("form")) return;
    api("GET", "/comments/" + id).then(function (result) {
      if (!result.ok) return;
      var form = document.createElement("form");
      form.className = "comment-form edit-form";
      form.setAttribute("data-rostra-edit-form", id);
      var errors = document.createElement("div");
      errors.className = "form-errors";
      errors.setAttribute("role", "alert");
      errors.setAttribute("data-rostra-errors", "");
      errors.hidden = true;
      var field = document.createElement("p");
      field.className = "field";
      var label = document.createElement("label");
      label.textContent = "Edit your comment";
      label.htmlFor = "rostra-edit-" + id;
      var area = document.createElement("textarea");
      area.name = "body";
      area.id = "rostra-edit-" + id;
      area.rows = 5;
      area.value = result.data.body;
      field.append(label, area);
      var actions = document.createElement("p");
      actions.className = "actions";
      actions.innerHTML = '<button type="submit">Save</button> <button type="button" class="link" data-rostra-back>Cancel</button>';
      form.append(errors, field, actions);
      body.hidden = true;
      body.after(form);
      area.focus();
    });
  };

  Thread.prototype.saveEdit = function (form) {
    var self = this, id = form.getAttribute("data-rostra-edit-form"), token = (liveTokens()[id] || {}).token;
    api("PATCH", "/comments/" + id, {body: form.elements.body.value}, token).then(function (result) {
      if (!result.ok) return self.showErrors(form, result);
      self.render({focus: id});
    });
  };

  Thread.prototype.askRemove = function (button, id) {
    // asked inline, not with window.confirm: no dialog steals the reader's place
    var question = document.createElement("span");
    question.className = "confirm-delete";
    question.textContent = "Delete it? Replies stay in place. ";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "link";
    yes.setAttribute("data-rostra-delete-confirmed", id);
    yes.textContent = "Delete";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "link";
    no.setAttribute("data-rostra-keep", "");
    no.textContent = "Keep it";
    question.append(yes, " ", no);
    button.replaceWith(question);
    yes.focus();
  };

  Thread.prototype.remove = function (id) {
    var self = this, token = (liveTokens()[id] || {}).token;
    api("DELETE", "/comments/" + id, undefined, token).then(function (result) {
      if (result.ok) return self.render().then(function () { self.refreshCounts(); });
      var box = self.root.querySelector("#c" + id + "-main .confirm-delete");
      if (box) box.textContent = (result.data && result.data.detail) || "The comment could not be deleted.";
    });
  };

  Thread.prototype.subthread = function (id, after) {
    var self = this, params = {url: this.url};
    if (after) params.after = after;
    this.fetchFragment("/embed/comments/" + id + "/thread", params).then(function (html) {
      return self.show(html);
    }).then(function () {
      self.host.scrollIntoView({block: "start"});
    }, function (error) { self.failed(error); });
  };

  Thread.prototype.refreshCounts = refreshCounts;

  function refreshCounts() {
    var links = document.querySelectorAll("[data-rostra-count]");
    if (!links.length) return;
    var urls = Array.prototype.map.call(links, function (a) {
      return (a.getAttribute("data-rostra-url") || a.href).split("#")[0];
    });
    api("POST", "/counts", {urls: urls}).then(function (result) {
      if (!result.ok) return;
      Array.prototype.forEach.call(links, function (a, i) {
        var n = result.data.counts[urls[i]] || 0;
        a.textContent = n + (n === 1 ? " comment" : " comments");
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".rostra-thread[data-rostra-site]"), function (host) {
      if (host.shadowRoot) return;
      var thread = new Thread(host);
      var match = /^#c(\d+)$/.exec(location.hash);
      thread.render(match ? {focus: match[1]} : undefined);
    });
    refreshCounts();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
