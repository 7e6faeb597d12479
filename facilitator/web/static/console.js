// simsoft web console: live updates by polling (1 s) and the decision form's verb switch. No dependencies.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var body = document.body;
  var view = body.getAttribute("data-live");
  var version = body.getAttribute("data-version");
  var offline = document.querySelector(".offline");

  // Map names left off a crowded map: shown while their circle is pointed at or focused (mapsvg.py).
  function hoverName(event, shown) {
    var t = event.target;
    if (!t || !t.matches || !t.matches("circle.zone[tabindex]")) { return; }
    var label = document.querySelector('text.hover-name[data-for="' + t.getAttribute("data-id") + '"]');
    if (label) { label.setAttribute("visibility", shown ? "visible" : "hidden"); }
  }
  ["mouseover", "focusin"].forEach(function (k) { document.addEventListener(k, function (e) { hoverName(e, true); }); });
  ["mouseout", "focusout"].forEach(function (k) { document.addEventListener(k, function (e) { hoverName(e, false); }); });

  function poll() {
    if (!view) { return; }
    fetch("/live/" + view + "?v=" + encodeURIComponent(version), {credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (r.status === 403) { window.location.reload(); throw new Error("signed out"); }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (data) {
        if (offline) { offline.hidden = true; }
        if (data.regions !== undefined) {
          Object.keys(data.regions).forEach(function (id) {
            var region = document.getElementById(id);
            if (region) { region.innerHTML = data.regions[id]; }
          });
          body.setAttribute("data-phase", data.phase);
          body.setAttribute("data-paused", data.paused ? "yes" : "no");
        }
        version = String(data.v);
        body.setAttribute("data-version", version);
      })
      .catch(function () { if (offline) { offline.hidden = false; } })
      .then(function () { window.setTimeout(poll, 1000); });
  }

  function verbSwitch() {
    var select = document.getElementById("verb");
    if (!select) { return; }
    function show() {
      var sets = document.querySelectorAll("fieldset.verb");
      for (var i = 0; i < sets.length; i++) {
        sets[i].classList.toggle("active", sets[i].getAttribute("data-verb") === select.value);
      }
    }
    select.addEventListener("change", show);
    show();
  }

  function languageSwitch() {
    // The selector works without JavaScript (its button); with it, choosing a language is enough.
    var select = document.getElementById("lang-select");
    if (!select || !select.form) { return; }
    select.addEventListener("change", function () { select.form.submit(); });
  }

  verbSwitch();
  languageSwitch();
  window.setTimeout(poll, 1000);
})();
