// The asterisk that marks a required field is for the eye only: the field itself says it is
// required (the `required` attribute), so screen readers need not read "star" after each label.
document.querySelectorAll(".asteriskField").forEach(function (mark) {
  mark.setAttribute("aria-hidden", "true");
});
