// The setup portal's copy buttons. The values are plain text on the page and stay usable without this
// script; where the browser offers the clipboard, a button next to each copies it and says so.
'use strict';
(function () {
  var list = document.querySelector('.copy-values');
  if (!list || !navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = document.getElementById('copy-status');
  list.querySelectorAll('.copy-source').forEach(function (source) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy secondary';
    button.textContent = list.getAttribute('data-copy-label');
    button.setAttribute('aria-describedby', source.id + '-label');
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (status) {
          status.textContent = '';
          status.textContent = list.getAttribute('data-copied-label');
        }
        button.textContent = list.getAttribute('data-copied-label');
        setTimeout(function () { button.textContent = list.getAttribute('data-copy-label'); }, 2000);
      });
    });
    source.parentNode.appendChild(button);
  });
})();
