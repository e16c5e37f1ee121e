/* clscan HTML report: sort tables by a column, filter their rows, show the
 * rows past the first hundred, and open every finding for printing. Reads
 * only this page; fetches nothing. */
(function () {
	"use strict";

	function cellKey(td) {
		var v = td.getAttribute("data-v");
		if (v !== null && v !== "" && !isNaN(v))
			return { num: true, v: parseFloat(v) };
		return { num: false, v: (v !== null ? v : td.textContent).toLowerCase() };
	}

	function sortBy(table, col, th) {
		var body = table.tBodies[0];
		if (!body)
			return;
		var asc = th.getAttribute("aria-sort") !== "ascending";
		var heads = table.tHead.rows[0].cells;
		for (var i = 0; i < heads.length; i++)
			if (heads[i].hasAttribute("aria-sort"))
				heads[i].setAttribute("aria-sort", "none");
		th.setAttribute("aria-sort", asc ? "ascending" : "descending");
		var rows = Array.prototype.slice.call(body.rows);
		var keyed = rows.map(function (r, i) {
			return { r: r, k: cellKey(r.cells[col] || r.cells[0]), i: i };
		});
		keyed.sort(function (a, b) {
			var d = 0;
			if (a.k.num && b.k.num)
				d = a.k.v - b.k.v;
			else
				d = String(a.k.v) < String(b.k.v) ? -1 : String(a.k.v) > String(b.k.v) ? 1 : 0;
			if (!asc)
				d = -d;
			return d || a.i - b.i;
		});
		var frag = document.createDocumentFragment();
		keyed.forEach(function (x, i) {
			/* after sorting, the first rows are the ones shown */
			x.r.classList.toggle("more", i >= (table.getAttribute("data-cap") | 0 || 1e9));
			frag.appendChild(x.r);
		});
		body.appendChild(frag);
	}

	function filterRows(table, text) {
		var q = text.trim().toLowerCase();
		var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
		var shown = 0;
		for (var i = 0; i < rows.length; i++) {
			var hit = !q || rows[i].textContent.toLowerCase().indexOf(q) >= 0;
			rows[i].classList.toggle("nomatch", !hit);
			if (hit)
				shown++;
		}
		/* a filter searches every row, hidden or not */
		table.classList.toggle("all", !!q || table.getAttribute("data-all") === "1");
		var out = document.getElementById(table.id + "-count");
		if (out)
			out.textContent = q ? shown + " matching rows" : "";
	}

	document.querySelectorAll("table.sortable").forEach(function (table) {
		var heads = table.tHead ? table.tHead.rows[0].cells : [];
		Array.prototype.forEach.call(heads, function (th, col) {
			th.setAttribute("aria-sort", "none");
			th.tabIndex = 0;
			th.addEventListener("click", function () { sortBy(table, col, th); });
			th.addEventListener("keydown", function (e) {
				if (e.key === "Enter" || e.key === " ") {
					e.preventDefault();
					sortBy(table, col, th);
				}
			});
		});
	});

	document.querySelectorAll("input[data-filter]").forEach(function (input) {
		var table = document.getElementById(input.getAttribute("data-filter"));
		if (table)
			input.addEventListener("input", function () { filterRows(table, input.value); });
	});

	document.querySelectorAll("button[data-show-all]").forEach(function (button) {
		var table = document.getElementById(button.getAttribute("data-show-all"));
		if (!table)
			return;
		button.addEventListener("click", function () {
			var all = table.getAttribute("data-all") !== "1";
			table.setAttribute("data-all", all ? "1" : "0");
			table.classList.toggle("all", all);
			button.textContent = all ? "Show fewer" : button.getAttribute("data-label");
			button.setAttribute("aria-expanded", all ? "true" : "false");
		});
	});

	window.addEventListener("beforeprint", function () {
		document.querySelectorAll("details.finding").forEach(function (d) { d.open = true; });
	});
	/* tells a test (and a curious reader) that the script ran to the end */
	document.documentElement.setAttribute("data-script", "ready");
})();
