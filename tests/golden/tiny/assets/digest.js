// digest: small enhancements every page shares. No dependencies, no network.
(function () {
  "use strict";
  // "/" focuses the search box, as on GitHub and MkDocs Material.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("search-input") || document.getElementById("site-search");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });
  // Copy buttons (BibTeX on paper pages).
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentElement.querySelector(".copy-status");
      if (!source) return;
      var text = source.textContent;
      var done = function (message) { if (status) status.textContent = message; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done("Copied"); },
          function () { done("Press Ctrl+C to copy"); selectText(source); });
      } else { selectText(source); done("Press Ctrl+C to copy"); }
    });
  });
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
})();
