// Warn before sending a file larger than the portal takes: the person learns it at once,
// not after a long upload. The server checks again; this only spares the wait.
(function () {
  "use strict";
  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = parseInt(input.dataset.maxBytes, 10);
    var warning = document.getElementById(input.dataset.sizeWarning);
    if (!warning || !input.form) {
      return;
    }
    var template = warning.dataset.message;
    function check() {
      var largest = 0;
      Array.prototype.forEach.call(input.files || [], function (file) {
        largest = Math.max(largest, file.size);
      });
      var tooLarge = largest > max;
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== warning.id;
      });
      if (tooLarge) {
        warning.textContent = template.replace("%(size)s", megabytes(largest));
        described.push(warning.id);
        input.setAttribute("aria-invalid", "true");
        input.classList.add("is-invalid");
      } else {
        input.removeAttribute("aria-invalid");
        input.classList.remove("is-invalid");
      }
      warning.hidden = !tooLarge;
      input.setAttribute("aria-describedby", described.join(" "));
      return tooLarge;
    }
    input.addEventListener("change", check);
    input.form.addEventListener("submit", function (event) {
      if (check()) {
        event.preventDefault();
        input.focus();
      }
    });
  });
})();
