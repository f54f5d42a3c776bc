// The agreement form: show only the chosen dataset's column table (without script every table
// shows, and only the chosen dataset's selects are read).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("a-dataset");
  if (!select) { return; }
  var sync = function () {
    document.querySelectorAll("fieldset.profile").forEach(function (f) {
      f.hidden = f.getAttribute("data-dataset") !== select.value;
    });
  };
  select.addEventListener("change", sync);
  sync();
});
