// Editing forms: let htmx swap in the re-rendered form when the server refuses the input
// (422 carries the form with the messages next to the fields). No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 422) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
