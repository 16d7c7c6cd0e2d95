// The site's only script: theme switch, search, small comforts. Plain
// JavaScript, no framework, no network: the search index is a local script
// (window.WORKBOOK_SEARCH) because pages opened from file:// cannot fetch().
(function () {
  "use strict";
  var html = document.documentElement;
  var root = html.getAttribute("data-root") || "";
  var chinese = html.lang === "zh-CN";

  // Theme: the system's choice until the reader picks one; remembered per browser.
  var themeButton = document.querySelector(".theme-button");
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      var dark = html.dataset.theme ? html.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
      html.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("workbook-theme", html.dataset.theme); } catch (e) { /* file:// in some browsers */ }
    });
  }

  // Narrow screens: the sidebar slides in.
  var menuButton = document.querySelector(".menu-button");
  if (menuButton) {
    menuButton.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      menuButton.setAttribute("aria-expanded", String(open));
    });
  }

  // A link to something inside a closed <details> (a span's attributes, a hint) opens it.
  function revealTarget() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target) target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", revealTarget);
  revealTarget();

  // Search: MiniSearch over every section of every page, built at build time.
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!input || !list) return;
  var index = null;
  function engine() {
    if (!index && window.MiniSearch && window.WORKBOOK_SEARCH) {
      index = window.MiniSearch.loadJS(window.WORKBOOK_SEARCH, {
        fields: ["title", "heading", "text"],
        storeFields: ["title", "heading", "href"],
        // The same splitting as the build (assets/search-tokenize.js): Chinese into character pairs.
        tokenize: window.WORKBOOK_TOKENIZE,
        // Chinese: every pair of the query must occur (上下文传播 is not any page with 上下 in it).
        searchOptions: { prefix: true, fuzzy: 0.2, boost: { title: 3, heading: 2 }, combineWith: chinese ? "AND" : "OR" },
      });
    }
    return index;
  }
  var selected = -1;
  function render() {
    var query = input.value.trim();
    list.textContent = "";
    selected = -1;
    var search = engine();
    if (!query || !search) { list.hidden = true; return; }
    var results = search.search(query).slice(0, 12);
    if (results.length === 0) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = chinese ? "没有找到“" + query + "”" : "Nothing found for “" + query + "”";
      list.appendChild(none);
    }
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + result.href;
      var title = document.createElement("strong");
      title.textContent = result.heading && result.heading !== result.title ? result.heading : result.title;
      var where = document.createElement("span");
      where.textContent = result.heading && result.heading !== result.title ? result.title : "";
      link.appendChild(title);
      link.appendChild(where);
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = false;
  }
  function move(step) {
    var links = list.querySelectorAll("a");
    if (links.length === 0) return;
    selected = (selected + step + links.length) % links.length;
    links.forEach(function (link, i) { link.classList.toggle("selected", i === selected); });
    links[selected].scrollIntoView({ block: "nearest" });
  }
  input.addEventListener("input", render);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { move(1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { move(-1); event.preventDefault(); }
    else if (event.key === "Enter") {
      var links = list.querySelectorAll("a");
      var chosen = links[selected >= 0 ? selected : 0];
      if (chosen) location.href = chosen.href;
    } else if (event.key === "Escape") { input.value = ""; render(); input.blur(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) {
      event.preventDefault();
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".search")) list.hidden = true;
  });
  input.addEventListener("focus", function () { if (input.value.trim()) render(); });
})();
