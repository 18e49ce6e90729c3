// Adds "Copy citation" to the citation of an event page: the button copies the text of the element
// it names (data-copy="id") and says so in a live region. Without JavaScript, or where the browser
// offers no clipboard, the button stays hidden and the citation can be selected by hand. What it
// says comes from the page (data-copied, data-failed), in the page's language.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      }, function () {
        if (status) status.textContent = button.getAttribute("data-failed");
      });
    });
  });
})();
