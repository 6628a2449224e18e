/* magcheck HTML report: sorting and filtering of the target tables, nothing else.
   The page is complete without this script (every row is plain HTML); it only reorders rows and sets their
   `hidden` attribute, so a table of 15,000 rows is sorted or filtered without building any row again. */
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function tokens(row, key) {
    var value = row.getAttribute("data-" + key);
    return value ? value.split("|") : [];
  }

  // Rows shown per table before "Show more". The default job (about 1,400 rows in all) shows every row, so the
  // browser's own find sees them all; a 15,000-target report shows 400 per table, which keeps each sort or
  // filter a fraction of a second (laying out rows is what costs). report.css holds back rows past 1,000 until
  // this script has run.
  var ALL_ROWS = document.querySelectorAll("table.targets tbody tr").length;
  var PAGE = ALL_ROWS <= 3000 ? 1000 : 400;

  var models = Array.prototype.map.call(document.querySelectorAll("table.targets"), function (table) {
    var body = table.tBodies[0];
    return {
      table: table,
      body: body,
      rows: Array.prototype.slice.call(body.rows), // in the current display order
      matches: null, // row -> passes the filters
      text: null, // folded row texts, read on the first free-text filter
      limit: PAGE,
      section: table.closest("section[data-gov]"),
      shown: document.getElementById(table.id + "-shown"),
      empty: document.getElementById(table.id + "-empty"),
      more: null,
      keys: {} // column index -> sort keys
    };
  });

  // --- sorting -------------------------------------------------------------------------------------------

  function sortKeys(model, column, numeric) {
    var cached = model.keys[column];
    if (cached) { return cached; }
    var keys = new Map();
    model.rows.forEach(function (row) {
      var cell = row.cells[column];
      var raw = cell ? (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent) : "";
      var number = parseFloat(raw);
      keys.set(row, numeric ? (isNaN(number) ? null : number) : raw.trim());
    });
    model.keys[column] = keys;
    return keys;
  }

  function compare(numeric, direction) {
    return function (a, b) {
      if (a[1] === null || a[1] === "") { return (b[1] === null || b[1] === "") ? a[2] - b[2] : 1; } // blanks last
      if (b[1] === null || b[1] === "") { return -1; }
      var order = numeric ? a[1] - b[1] : collator.compare(a[1], b[1]);
      return order !== 0 ? direction * order : a[2] - b[2];
    };
  }

  function sortBy(model, header) {
    var column = header.cellIndex;
    var numeric = header.getAttribute("data-type") === "num";
    var direction = header.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var keys = sortKeys(model, column, numeric);
    var order = model.rows.map(function (row, index) { return [row, keys.get(row), index]; });
    order.sort(compare(numeric, direction));
    model.rows = order.map(function (item) { return item[0]; });
    var fragment = document.createDocumentFragment();
    model.rows.forEach(function (row) { fragment.appendChild(row); });
    model.body.appendChild(fragment);
    show(model);
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
  }

  models.forEach(function (model) {
    Array.prototype.forEach.call(model.table.tHead.rows[0].cells, function (header) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "Sort by this column";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(model, header); });
    });
  });

  // Chrome leaves a form control out of the table header it repeats on each printed page: print plain headers.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("th > button.sort"), function (button) {
      while (button.firstChild) { button.parentNode.insertBefore(button.firstChild, button); }
      button.hidden = true;
    });
  });
  window.addEventListener("afterprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("th > button.sort"), function (button) {
      while (button.previousSibling) { button.insertBefore(button.previousSibling, button.firstChild); }
      button.hidden = false;
    });
  });

  // --- showing: the rows that pass the filters, up to the table's limit --------------------------------------

  function count(n) { return n.toLocaleString("en"); }

  function moreButtons(model) {
    var holder = document.createElement("p");
    holder.className = "more";
    [["Show " + count(PAGE) + " more", function () { model.limit += PAGE; }],
     ["Show all", function () { model.limit = Infinity; }]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec[0];
      button.addEventListener("click", function () { spec[1](); show(model); });
      holder.appendChild(button);
    });
    model.table.parentNode.insertBefore(holder, model.table.nextSibling);
    return holder;
  }

  function show(model) {
    var passed = 0;
    var visible = 0;
    model.rows.forEach(function (row) {
      var keep = !model.matches || model.matches.get(row);
      if (keep) { passed += 1; }
      var display = keep && passed <= model.limit;
      if (display) { visible += 1; }
      if (row.hidden === display) { row.hidden = !display; }
    });
    var all = model.rows.length;
    if (model.shown) {
      var text = passed === all ? (visible === all ? "Showing all " + count(all) + " rows"
        : "Showing the first " + count(visible) + " of " + count(all) + " rows")
        : "Showing " + count(visible) + " of " + count(passed) + " matching rows (" + count(all) + " in all)";
      model.shown.textContent = text;
    }
    if (visible < passed && !model.more) { model.more = moreButtons(model); }
    if (model.more) { model.more.hidden = visible >= passed; }
    if (model.empty) { model.empty.hidden = passed !== 0; }
    return passed;
  }

  // --- filtering -----------------------------------------------------------------------------------------

  var form = document.getElementById("filters");

  function rowTexts(model) {
    if (!model.text) {
      model.text = new Map();
      model.rows.forEach(function (row) { model.text.set(row, fold(row.textContent)); });
    }
    return model.text;
  }

  function apply() {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-key]"));
    var wanted = selects.filter(function (s) { return s.value !== ""; })
      .map(function (s) { return [s.getAttribute("data-key"), s.value]; });
    var query = fold(form.querySelector("input[type=search]").value.trim());
    var government = form.querySelector("select[data-key=gov]");
    var total = 0;
    models.forEach(function (model) {
      var texts = query ? rowTexts(model) : null;
      model.matches = new Map();
      model.rows.forEach(function (row) {
        model.matches.set(row, wanted.every(function (w) { return tokens(row, w[0]).indexOf(w[1]) >= 0; }) &&
          (!texts || texts.get(row).indexOf(query) >= 0));
      });
      model.limit = PAGE;
      if (model.section) {
        var gov = model.section.getAttribute("data-gov");
        model.section.hidden = Boolean(government && government.value && government.value !== gov);
      }
      var passed = show(model);
      if (!model.section || !model.section.hidden) { total += passed; }
    });
    form.querySelector("output").textContent = count(total) + " matching rows";
  }

  if (form) {
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.hidden = false;
    apply();
  } else {
    models.forEach(show);
  }
  document.documentElement.classList.add("ready");
})();
