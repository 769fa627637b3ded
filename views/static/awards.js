// 评奖 page: close the decision drawer without leaving the page (the link still works without script).
// A swap re-inserts this script, so the listeners are installed once.
if (!window.casejuryAwards) {
  window.casejuryAwards = true;
  const drawer = () => document.getElementById('decision');
  const close = () => {
    const d = drawer();
    if (d?.classList.contains('drawer')) d.replaceChildren();
  };
  document.addEventListener('click', (evt) => {
    const link = evt.target instanceof Element ? evt.target.closest('[data-close-decision]') : null;
    if (link && drawer()?.classList.contains('drawer')) {
      evt.preventDefault();
      close();
    }
  });
  document.addEventListener('keydown', (evt) => {
    if (evt.key === 'Escape') close();
  });
}
