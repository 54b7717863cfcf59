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
    input.addEventListener("input", function () {
      var terms = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      container.querySelectorAll("details").forEach(function (group) {
        var groupShown = 0;
        group.querySelectorAll("[data-search]").forEach(function (item) {
          var text = item.getAttribute("data-search");
          var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-target]").forEach(setupFilter);
  });
})();
