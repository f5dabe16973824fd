// Conditional reveal (GOV.UK): a block with data-reveal-by="<selector of a radio or checkbox>"
// is shown while that input is checked. The stylesheet already shows and hides it without
// JavaScript (portal.css, "D1"); this only ties the input to the block with aria-controls (no
// aria-expanded: a radio may not carry it, as axe-core and GOV.UK Frontend 5 agree).
(function () {
  var blocks = document.querySelectorAll("[data-reveal-by]");
  if (!blocks.length) {
    return;
  }
  blocks.forEach(function (block) {
    var input = document.querySelector(block.getAttribute("data-reveal-by"));
    if (input && block.id) {
      input.setAttribute("aria-controls", block.id);
    }
  });
})();
