// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (event) {
  if (event.target.closest(".js-print")) {
    window.print();
  }
});
