// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // A security key was added (django-otp-webauthn's script): show it in the list.
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });

  // Send the CSRF token with htmx requests.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { event.detail.headers["X-CSRFToken"] = match[1]; }
  });

  // Filter the indicator checklist as the user types; open groups that hold a match.
  function setupFilter(input) {
    var container = document.querySelector(input.getAttribute("data-filter-target"));
    var counter = document.getElementById("indicator-count");
    if (!container) { return; }
    // The age group's radios filter at once; their no-script button is then not needed.
    var ages = document.querySelectorAll("input[name='indicator_age']");
    document.querySelectorAll("[data-age-refresh]").forEach(function (b) { b.hidden = true; });
    function age() {
      var chosen = document.querySelector("input[name='indicator_age']:checked");
      return chosen ? chosen.value : "";
    }
    ages.forEach(function (radio) {
      radio.addEventListener("change", function () { input.dispatchEvent(new Event("input")); });
    });
    input.addEventListener("input", function () {
      var terms = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      var group_ = age();
      container.querySelectorAll("details").forEach(function (group) {
        var groupShown = 0;
        group.querySelectorAll("[data-search]").forEach(function (item) {
          var text = item.getAttribute("data-search");
          var box = item.querySelector("input");
          var ofAge = !group_ || item.getAttribute("data-age") === group_ || (box && box.checked);
          var match = ofAge && terms.every(function (t) { return text.indexOf(t) !== -1; });
          item.hidden = !match;
          if (match) { groupShown += 1; }
        });
        group.hidden = groupShown === 0;
        if (terms.length) { group.open = groupShown > 0; }
        shown += groupShown;
      });
      if (counter) {
        counter.textContent = terms.length ? (document.documentElement.lang === "en" ? shown + " indicators found" : shown + " indicatoren gevonden") : "";
      }
    });
  }

  // Count characters under a text area with a limit. The visible count follows every key;
  // screen readers hear it once typing pauses, not at every key.
  function setupCount(counter) {
    var field = document.getElementById(counter.getAttribute("data-character-count"));
    var live = document.getElementById(counter.id + "_live");
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var format = new Intl.NumberFormat(document.documentElement.lang || "nl");
    var timer = null;
    if (!field || !limit) { return; }
    function update() {
      var left = limit - field.value.length;
      var key = left < 0 ? "data-text-over" : "data-text-left";
      counter.textContent = counter.getAttribute(key).replace("{n}", format.format(Math.abs(left)));
      counter.classList.toggle("kz-character-count--over", left < 0);
      if (live) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { live.textContent = counter.textContent; }, 800);
      }
    }
    field.addEventListener("input", update);
    update();
  }

  // The NL Design System form pattern: after a failed submit, focus the error summary so
  // it is read first; its links move focus to the field itself (opening a closed group).
  function setupErrorSummary(summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var group = target.closest("details");
      if (group) { group.open = true; }
      target.focus();
      var label = document.querySelector("label[for='" + target.id + "']");
      (label || target).scrollIntoView({block: "center"});
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-target]").forEach(setupFilter);
    document.querySelectorAll("[data-character-count]").forEach(setupCount);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { setupErrorSummary(summary); }
  });
})();
