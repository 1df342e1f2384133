// The asterisk that marks a required field is for the eye only: the field itself says it is
// required (the `required` attribute), so screen readers need not read "star" after each label.
document.querySelectorAll(".asteriskField").forEach(function (mark) {
  mark.setAttribute("aria-hidden", "true");
});

// After a failed save the error summary takes the focus, so that keyboard and screen-reader
// users start from the list of what to fix; each link in it moves the focus to its field
// and shows the field's label too (as GOV.UK's error summary does).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || legend || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
