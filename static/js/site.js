// Enhancements only: without this file the site works, with the menu always open.
(function () {
  "use strict";

  // A form sent back with errors: move focus to its summary, which lists them with links.
  var errorSummary = document.querySelector(".error-summary");
  if (errorSummary) {
    errorSummary.focus();
  }
})();

(function () {
  "use strict";

  // On small screens, fold the main menu behind a button.
  var nav = document.querySelector("[data-main-nav]");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (!toggle) {
    return;
  }

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }

  nav.classList.add("is-collapsible");
  toggle.hidden = false;
  setOpen(false);

  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });

  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
})();
