// 形式审查 board: fold an expanded checklist row back up (expanding is an htmx request).
// A swap may re-insert this script, so the listener is installed once.
if (!window.casejuryEligibility) {
  window.casejuryEligibility = true;
  document.addEventListener('click', (evt) => {
    const button = evt.target instanceof Element ? evt.target.closest('[data-collapse-checklist]') : null;
    const cell = button?.closest('.checklist-row td');
    if (cell) cell.replaceChildren();
  });
}
