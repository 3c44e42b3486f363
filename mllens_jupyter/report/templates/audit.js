(function () {
  "use strict";
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.folder"));
  var shown = document.getElementById("shown");
  form.hidden = false;
  rows.forEach(function (row) { row.searchText = row.textContent.toLowerCase(); });

  function wanted() {
    var values = {};
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      if (select.value) { values[select.name] = select.value; }
    });
    return values;
  }

  function matches(row, query, values) {
    if (query && row.searchText.indexOf(query) < 0) { return false; }
    return Object.keys(values).every(function (name) {
      var have = row.getAttribute("data-" + name);
      if (have === null && name === "folder") {
        var group = row.closest("details.folder");
        have = group ? group.getAttribute("data-folder") : null;
        if (have !== null) { return have === values[name]; }
      }
      return have === null || (" " + have + " ").indexOf(" " + values[name] + " ") >= 0;
    });
  }

  function apply() {
    var query = form.elements.q.value.trim().toLowerCase();
    var values = wanted();
    var active = Boolean(query) || Object.keys(values).length > 0;
    var count = 0;
    rows.forEach(function (row) {
      row.hidden = !matches(row, query, values);
      if (!row.hidden && row.classList.contains("notebook")) { count += 1; }
    });
    groups.forEach(function (group) {
      var visible = group.querySelector("tr.notebook:not([hidden])") !== null;
      group.hidden = !visible;
      if (active && visible) { group.open = true; }
    });
    shown.textContent = active ? count + " notebooks match" : "";
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    var value = cell.getAttribute("data-v");
    return value === null ? cell.textContent.trim().toLowerCase() : value;
  }

  function sortBy(button) {
    var th = button.parentNode;
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.cells, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var sorted = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = cellValue(a, index), y = cellValue(b, index);
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : (x < y ? -1 : x > y ? 1 : 0);
        return ascending ? order : -order;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.sort");
    if (button) { sortBy(button); }
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
}());
