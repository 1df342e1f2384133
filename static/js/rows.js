// After a row is added or removed in place (htmx swaps #rows), put the focus where the
// person continues: the new row's first field, or the "add" button after a removal.
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var rows = document.getElementById("rows");
    if (!rows || !rows.contains(event.target) && event.target !== rows) {
      return;
    }
    var mark = (rows.dataset.focusId && document.getElementById(rows.dataset.focusId)) ||
      rows.querySelector("[data-focus-after-rows]");
    if (!mark) {
      return;
    }
    var target = mark.matches("input, select, textarea, button") ? mark : mark.querySelector("input, select, textarea");
    if (target) {
      target.focus();
    }
  });
})();
