/*
 * Suggestions for a search box, as the user types. Progressive enhancement: without this
 * script the form still submits a GET and the server renders the results.
 *
 * Works on every <form data-suggest-url="…/suggest"> with an <input name="q">, on the search
 * page and on other sites that embed the box (the API answers them with CORS headers).
 * ARIA 1.2 combobox: the input owns a listbox; arrows move, Enter picks, Escape closes.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var LIMIT = 8;
  var KIND_LABELS = { question: "FAQ", article: "Article", heading: "Section", completion: "" };
  var counter = 0;

  function attach(form) {
    var input = form.querySelector("input[name=q]");
    var endpoint = form.getAttribute("data-suggest-url");
    if (!input || !endpoint || !window.fetch) {
      return;
    }
    counter += 1;
    if (!input.id) {
      input.id = "fs-q-" + counter;
    }
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "fs-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "fs-visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(list, input.nextSibling);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    var texts = [];
    var options = [];
    var active = -1;
    var timer = null;
    var inflight = null;
    var latest = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(index) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      input.value = texts[index];
      close();
      form.submit();
    }

    function render(suggestions) {
      list.textContent = "";
      texts = [];
      options = [];
      active = -1;
      suggestions.forEach(function (suggestion, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.className = "fs-option fs-kind-" + suggestion.kind;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var text = document.createElement("span");
        text.className = "fs-option-text";
        text.textContent = suggestion.text; // text, never HTML
        option.appendChild(text);
        var label = KIND_LABELS[suggestion.kind];
        if (label) {
          var kind = document.createElement("span");
          kind.className = "fs-option-kind";
          kind.textContent = label;
          option.appendChild(kind);
        }
        // mousedown, not click: the input keeps focus and the list stays open until the pick.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(i);
        });
        texts.push(suggestion.text);
        options.push(option);
        list.appendChild(option);
      });
      if (!options.length) {
        close();
        status.textContent = "";
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.removeAttribute("aria-activedescendant");
      status.textContent =
        options.length + (options.length === 1 ? " suggestion" : " suggestions") +
        ", use the up and down arrows to choose";
    }

    function fetchSuggestions() {
      var typed = input.value;
      if (!typed.trim()) {
        render([]);
        return;
      }
      if (inflight) {
        inflight.abort();
      }
      inflight = window.AbortController ? new AbortController() : null;
      latest += 1;
      var mine = latest;
      var url = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") +
        "q=" + encodeURIComponent(typed) + "&limit=" + LIMIT;
      fetch(url, { signal: inflight ? inflight.signal : undefined, credentials: "omit" })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (body) {
          // An older, slower answer must not replace the one for what is typed now.
          if (mine === latest && input.value === typed) {
            render(body.suggestions || []);
          }
        })
        .catch(function () {
          /* offline, aborted or refused: the box keeps working as a plain form */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) {
          return;
        }
        event.preventDefault();
        if (!open) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= options.length) {
          next = -1; // past the last option: back to what was typed
        } else if (next < -1) {
          next = options.length - 1;
        }
        show(next);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault(); // in a search input Escape would also clear the text
        close();
      }
    });

    input.addEventListener("blur", close);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      close();
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-suggest-url]");
    for (var i = 0; i < forms.length; i += 1) {
      attach(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
