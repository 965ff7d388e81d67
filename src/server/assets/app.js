// shopwire dashboard: small progressive enhancement. Every page works without this file.
// - forms with data-confirm ask first (then skip the server's confirmation page);
// - <main data-refresh="N"> reloads its content every N seconds while the tab is visible and the
//   user is not typing in it;
// - a file input with data-fills="<textarea id>" loads the chosen file into that textarea.
'use strict';
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  const confirmed = form.querySelector('input[name="confirmed"]');
  if (confirmed) confirmed.value = '1';
});

document.addEventListener('change', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.dataset.fills) return;
  const target = document.getElementById(input.dataset.fills);
  const file = input.files && input.files[0];
  if (!target || !file) return;
  file.text().then((text) => { target.value = text; });
});

(function autoRefresh() {
  const main = document.getElementById('main');
  const seconds = main ? Number(main.dataset.refresh) : 0;
  if (!main || !seconds) return;
  setInterval(async () => {
    if (document.hidden || main.contains(document.activeElement) && document.activeElement !== main) return;
    try {
      const res = await fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok || res.redirected) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('main');
      if (fresh) main.replaceChildren(...fresh.childNodes);
    } catch (_) { /* offline for a moment: try again next tick */ }
  }, seconds * 1000);
})();
