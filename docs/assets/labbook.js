// labbook: two accessibility touches that Material's own markup lacks. Local file, no requests.

function labbookScrollers() {
  // A table box that scrolls sideways must be reachable with the keyboard (WCAG 2.1.1,
  // axe "scrollable-region-focusable") when nothing inside it can take the focus.
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var focusable = box.querySelector("a[href], button, input, select, textarea, [tabindex]");
    if (scrolls && !focusable) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Table, scrolls sideways");
      box.dataset.lbScroller = "";
    } else if (!scrolls && box.dataset.lbScroller !== undefined) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.lbScroller;
    }
  });
}

document$.subscribe(function () {
  // The search overlay is a dialog: it needs a name (axe "aria-dialog-name").
  document.querySelectorAll('.md-search[role="dialog"]').forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search");
  });
  labbookScrollers();
});

window.addEventListener("resize", labbookScrollers);
