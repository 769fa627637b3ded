// 查重 pages. Kept in a static file: the CSP allows no inline scripts.
// A swap re-inserts this script, so the listeners are installed once.
if (!window.casejurySimilarity) {
  window.casejurySimilarity = true;

  // Pair view: a highlighted passage brings its counterpart on the other side into view.
  const showCounterpart = (mark) => {
    const view = mark.closest('.pair-view');
    const side = mark.closest('[data-side]');
    if (!view || !side) return;
    const key = mark.dataset.s.split(' ')[0];
    const other = [...view.querySelectorAll('[data-side]')].find((s) => s !== side);
    const peer = other?.querySelector(`mark[data-s~="${key}"]`);
    if (!peer) return;
    view.querySelectorAll('mark.current').forEach((m) => {
      m.classList.remove('current');
    });
    view.querySelectorAll(`mark[data-s~="${key}"]`).forEach((m) => {
      m.classList.add('current');
    });
    // Scroll only the other document's pane, so the clicked passage stays where it is.
    const pane = peer.closest('.passage-text');
    const top = peer.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    pane.scrollTo({ top: Math.max(0, top - pane.clientHeight / 3), behavior: 'smooth' });
  };

  document.addEventListener('click', (evt) => {
    const target = evt.target instanceof Element ? evt.target : null;
    const mark = target?.closest('.pair-view mark[data-s]');
    if (mark) showCounterpart(mark);
    if (target?.closest('[data-print]')) window.print();
  });
  document.addEventListener('keydown', (evt) => {
    const mark = evt.target instanceof Element ? evt.target.closest('.pair-view mark[data-s]') : null;
    if (mark && (evt.key === 'Enter' || evt.key === ' ')) {
      evt.preventDefault();
      showCounterpart(mark);
    }
  });
}
