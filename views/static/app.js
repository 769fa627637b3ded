// casejury page behaviour. Kept in a static file: the CSP allows no inline scripts.

// A visible message when the server cannot be reached; htmx 4 reports it as htmx:error.
document.addEventListener('htmx:error', (evt) => {
  if (evt.detail?.ctx?.response) return; // HTTP errors swap their own message
  const toast = document.getElementById('net-error');
  if (!toast) return;
  toast.hidden = false;
  setTimeout(() => {
    toast.hidden = true;
  }, 6000);
});
