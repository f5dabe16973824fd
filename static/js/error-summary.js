// The error summary (templates/includes/_error_summary.html), as GOV.UK's: the summary takes
// the focus when the page loads, and a link to a field focuses the field with its label or
// legend in view. Without this script the links still jump to the fields.
(function () {
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  if (document.activeElement !== summary) {
    summary.focus();
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = document.querySelector("label[for='" + input.id + "']");
    var heading = (input.type === "radio" || input.type === "checkbox") && legend ? legend : label;
    (heading || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
