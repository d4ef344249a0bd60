// Enhancement only: shows a print button on the crisis plan. Without JavaScript the browser's
// own print command does the same.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
