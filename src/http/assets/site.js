// The client site's own script, served from our origin (the CSP allows no inline script).
// Everything works without it; it only adds the show-password buttons.
/* global document, Element, HTMLInputElement */
'use strict';

// The stylesheet shows the buttons only under html.js, so without this script none is offered.
document.documentElement.classList.add('js');

// One listener for the whole page, so forms htmx swaps in work without being wired up again.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-password-toggle]') : null;
  if (!button) return;
  const input = document.getElementById(button.getAttribute('aria-controls') || '');
  if (!(input instanceof HTMLInputElement)) return;
  const show = button.getAttribute('aria-pressed') !== 'true';
  input.type = show ? 'text' : 'password';
  button.setAttribute('aria-pressed', String(show));
});

// A password shown as text goes back to a password field before its form is sent, so the
// browser never files it among the text it remembers for forms.
document.addEventListener(
  'submit',
  (event) => {
    if (!(event.target instanceof Element)) return;
    for (const button of event.target.querySelectorAll('button[data-password-toggle][aria-pressed="true"]')) {
      const input = document.getElementById(button.getAttribute('aria-controls') || '');
      if (input instanceof HTMLInputElement) input.type = 'password';
      button.setAttribute('aria-pressed', 'false');
    }
  },
  true,
);
