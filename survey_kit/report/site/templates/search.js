(function () {
  "use strict";
  var form = document.getElementById("soeg");
  var field = document.getElementById("soeg-felt");
  var status = document.getElementById("soeg-status");
  var items = Array.prototype.slice.call(document.querySelectorAll("li[data-search]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.group"));
  function words(text) {
    return text.toLocaleLowerCase("da").normalize("NFC").split(/\s+/).filter(Boolean);
  }
  function filter() {
    var wanted = words(field.value);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search");
      var hit = wanted.every(function (w) { return text.indexOf(w) >= 0; });
      item.hidden = !hit;
      if (hit) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("li[data-search]:not([hidden])");
    });
    status.textContent = !wanted.length ? "" :
      shown === 0 ? "Ingen områder passer til søgningen." :
      shown === 1 ? "Et område passer til søgningen." :
      shown + " områder passer til søgningen.";
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  field.addEventListener("input", filter);
  form.hidden = false;
  filter();
}());
