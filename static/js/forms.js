// Forms with errors: focus moves to the error summary when the page (or an htmx swap) shows one, and each
// of its links moves focus to its field, scrolled so that the field's label is in view.
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }

  function labelOf(field) {
    var fieldset = field.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend")) return fieldset.querySelector("legend");
    if (field.id) {
      var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
      if (label) return label;
    }
    return field;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) return;
    event.preventDefault();
    labelOf(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    focusSummary(event.detail.target);
  });
})();
