// One tap, one entry: once a form is sent its buttons wait (a slow network invites a second tap).
document.addEventListener("submit", function (event) {
  var buttons = event.target.querySelectorAll("button");
  setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
});
// A page brought back with the browser's Back button works again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
});
