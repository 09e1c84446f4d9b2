(function () {
  "use strict";
  // Only the page's own structure is read here: no value is ever written as HTML.
  function openAncestors(element) {
    for (var node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }
  function applyFilter(box) {
    var tree = document.getElementById(box.getAttribute("data-target"));
    var query = box.value.trim().toLowerCase();
    var shown = 0, leaves = tree.querySelectorAll("li.leaf"), i;
    for (i = 0; i < leaves.length; i++) {
      var match = !query || leaves[i].textContent.toLowerCase().indexOf(query) !== -1
        || (leaves[i].getAttribute("data-path") || "").toLowerCase().indexOf(query) !== -1;
      leaves[i].classList.toggle("hidden", !match);
      if (match) { shown++; if (query) { openAncestors(leaves[i]); } }
    }
    var branches = tree.querySelectorAll("li.branch");
    for (i = 0; i < branches.length; i++) {
      branches[i].classList.toggle("hidden", !!query && !branches[i].querySelector("li.leaf:not(.hidden)"));
    }
    var count = box.parentElement.parentElement.querySelector(".filter-count");
    if (count) { count.textContent = query ? shown + " of " + leaves.length + " values match" : ""; }
  }
  var boxes = document.querySelectorAll("input.filter-box"), given = null;
  try { given = new URLSearchParams(window.location.search).get("filter"); } catch (e) { given = null; }
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener("input", function (event) { applyFilter(event.target); });
    if (given) { boxes[i].value = given; applyFilter(boxes[i]); }
  }
  function showTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target) { openAncestors(target); target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", showTarget);
  showTarget();
  document.documentElement.setAttribute("data-report-ready", "1");
})();
