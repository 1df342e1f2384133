// A live count of the characters left in a long text, after GOV.UK's character count.
// The page works without it: the hint says the limit and the server refuses a longer text.
// The count under the box is for the eye; a screen reader hears it through a polite live
// region, only when the text is near or over its limit and only once typing pauses.
(function () {
  "use strict";
  var NEAR = 0.8; // announce from 80 % of the limit
  var PAUSE_MS = 1000;
  var sv = (document.documentElement.lang || "sv").indexOf("sv") === 0;

  function grouped(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  }

  function message(left) {
    if (left >= 0) {
      if (sv) {
        return "Du har " + grouped(left) + (left === 1 ? " tecken kvar" : " tecken kvar");
      }
      return "You have " + grouped(left) + (left === 1 ? " character remaining" : " characters remaining");
    }
    var over = -left;
    if (sv) {
      return "Du har " + grouped(over) + " tecken för mycket";
    }
    return "You have " + grouped(over) + (over === 1 ? " character too many" : " characters too many");
  }

  function count(box) {
    var limit = parseInt(box.dataset.characterLimit, 10);
    if (!limit || box.dataset.counted) {
      return;
    }
    box.dataset.counted = "true";
    var visible = document.createElement("div");
    visible.className = "form-text character-count";
    visible.id = box.id + "-count";
    visible.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.id = box.id + "-count-status";
    spoken.setAttribute("aria-live", "polite");
    // The count takes the place of the hint that only says the limit (GOV.UK does the same).
    var help = document.getElementById(box.id + "_helptext");
    var hint = help && help.querySelector(".character-limit-hint");
    if (hint) {
      hint.hidden = true;
    }
    var after = help || box;
    after.insertAdjacentElement("afterend", spoken);
    after.insertAdjacentElement("afterend", visible);
    var timer = null;
    var lastSpoken = "";

    function update() {
      var left = limit - box.value.length;
      visible.textContent = message(left);
      visible.classList.toggle("character-count--over", left < 0);
      box.classList.toggle("character-count__box--over", left < 0);
    }

    function speak() {
      var left = limit - box.value.length;
      var text = box.value.length >= limit * NEAR ? message(left) : "";
      if (text !== lastSpoken) {
        spoken.textContent = text;
        lastSpoken = text;
      }
    }

    box.addEventListener("input", function () {
      update();
      window.clearTimeout(timer);
      timer = window.setTimeout(speak, PAUSE_MS);
    });
    update();
  }

  function countAll() {
    document.querySelectorAll("textarea[data-character-limit]").forEach(count);
  }

  countAll();
  // Rows added in place (htmx) bring new text boxes.
  document.body.addEventListener("htmx:afterSettle", countAll);
})();
