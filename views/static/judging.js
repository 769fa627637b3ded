// Scoring screen (评分): running total, level pickers, keyboard, and the visible save state.
// htmx sends the draft saves (hx-post on #review-form); this file only adds what htmx cannot know.
(() => {
  'use strict';
  const form = document.getElementById('review-form');

  // N: the next entry still to score (我的评审 and the scoring screen, also once a review is locked).
  document.addEventListener('keydown', (evt) => {
    if ((evt.key !== 'n' && evt.key !== 'N') || evt.ctrlKey || evt.metaKey || evt.altKey) return;
    if (evt.target.matches?.('input, textarea, select')) return;
    const next = document.getElementById('next-unscored');
    if (!next) return;
    evt.preventDefault();
    if (form) form.dispatchEvent(new CustomEvent('casejury:next', { detail: next.href }));
    else window.location.href = next.href;
  });

  if (!form) return;

  const fields = () => [...form.querySelectorAll('input[type=number], textarea[name=comment]')];
  /** What the expert has typed, without the version and token: two equal snapshots need no save. */
  const snapshot = () =>
    fields()
      .map((f) => `${f.name}=${f.value}`)
      .join('&');
  let saved = snapshot();
  let inFlight = false;
  let submitting = false;
  let retryTimer = null;

  const isOurs = (elt) => elt === form || form.contains(elt);
  const dirty = () => snapshot() !== saved;

  function showState(kind, text) {
    const box = document.getElementById('save-state');
    if (!box) return;
    box.className = `save-state ${kind}`;
    const line = box.querySelector('.state-text');
    if (line) line.textContent = text;
  }

  // ---- running total, levels and range hints --------------------------------------------------
  // A level either sets its score (data-fill, where the rubric names one) or selects its band: the expert then
  // types a score inside it. Nothing here ever makes up a score.
  const onStep = (value, step) => Math.abs(value / step - Math.round(value / step)) < 1e-6;

  function refresh() {
    let total = 0;
    for (const card of form.querySelectorAll('.criterion')) {
      const input = card.querySelector('input[type=number]');
      const max = Number(card.dataset.max);
      const step = Number(card.dataset.step) || 1;
      const text = input.value.trim();
      const value = Number(text);
      const problem = card.querySelector('.field-problem');
      const bad = input.validity.badInput || (text !== '' && (!Number.isFinite(value) || value < 0 || value > max || !onStep(value, step)));
      card.classList.toggle('invalid', bad);
      problem.textContent = bad ? `请输入 0–${max} 之间的${card.dataset.stepText}` : '';
      if (!bad && text !== '') total += value;
      const levels = [...card.querySelectorAll('.level')];
      // A typed score shows its level; without one, the band the expert picked stays selected.
      let current = null;
      if (!bad && text !== '') {
        current = levels.find((b) => value >= Number(b.dataset.low)) ?? null;
        delete card.dataset.band;
      } else if (text === '' && card.dataset.band !== undefined) {
        current = levels[Number(card.dataset.band)] ?? null;
      }
      for (const b of levels) b.setAttribute('aria-pressed', String(b === current));
      const hint = card.querySelector('.level-text');
      if (current && text === '')
        hint.textContent = `${current.dataset.label}：请输入 ${current.dataset.low}–${current.dataset.high} 之间的${card.dataset.stepText}。${current.dataset.text}`;
      else hint.textContent = current ? current.dataset.text : `先选等级，再输入${card.dataset.stepText}分数`;
    }
    document.getElementById('review-total').textContent = String(Math.round(total * 100) / 100);
  }

  /** A click on a level: its fixed score where the rubric gives one, else its band, ready for the expert's number. */
  function chooseLevel(level) {
    const card = level.closest('.criterion');
    const input = card.querySelector('input[type=number]');
    if (level.dataset.fill !== '') {
      input.value = level.dataset.fill;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
      level.focus();
      return;
    }
    const levels = [...card.querySelectorAll('.level')];
    const [low, high] = [Number(level.dataset.low), Number(level.dataset.high)];
    const value = Number(input.value);
    card.dataset.band = String(levels.indexOf(level));
    input.placeholder = `${low}–${high}`;
    if (input.value.trim() !== '' && !(value >= low && value <= high)) {
      // A score from another band no longer fits the level chosen: the expert types the new one.
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    } else {
      refresh();
    }
    input.focus();
    input.select();
  }

  form.addEventListener('input', () => {
    refresh();
    if (!inFlight) showState('dirty', '有修改，即将自动保存…');
  });

  form.addEventListener('click', (evt) => {
    const level = evt.target.closest('.level');
    if (level) {
      chooseLevel(level);
      return;
    }
    const adopt = evt.target.closest('[data-adopt-version]');
    if (adopt) {
      // The expert chose to overwrite the newer version with what this tab holds.
      form.querySelector('input[name=version]').value = adopt.dataset.adoptVersion;
      saved = '';
      form.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });

  // ---- saving ----------------------------------------------------------------------------------
  document.addEventListener('htmx:config:request', (evt) => {
    const ctx = evt.detail.ctx;
    if (!isOurs(ctx.sourceElement)) return;
    if (ctx.sourceElement === form) {
      // An autosave with nothing new, or one racing a submission, is not sent.
      if (submitting || !dirty()) evt.preventDefault();
    } else {
      submitting = true;
    }
  });

  document.addEventListener('htmx:before:request', (evt) => {
    const ctx = evt.detail.ctx;
    if (!isOurs(ctx.sourceElement)) return;
    // htmx collected the body when the change happened; a save that waited behind another must carry
    // the version that one returned, and the latest values.
    ctx.request.body = new URLSearchParams(new FormData(form));
    ctx.sentSnapshot = snapshot();
    inFlight = true;
    clearTimeout(retryTimer);
    showState('saving', submitting ? '正在提交…' : '保存中…');
  });

  function retryLater(message) {
    showState('error', `${message}您输入的内容仍在页面上，稍后自动重试。`);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => form.dispatchEvent(new Event('change', { bubbles: true })), 5000);
  }

  document.addEventListener('htmx:after:request', (evt) => {
    const ctx = evt.detail.ctx;
    if (!isOurs(ctx.sourceElement)) return;
    inFlight = false;
    const status = ctx.response?.status ?? 0;
    // 200: a draft stored; 204: submitted, and the page is about to reload as the locked review.
    if ((status === 200 && ctx.sourceElement === form) || status === 204) saved = ctx.sentSnapshot;
    if (ctx.sourceElement !== form && status !== 204) submitting = false;
    if (status >= 500) {
      retryLater(`保存失败（服务器错误 ${status}）。`);
    } else if (status >= 400 && status !== 409 && status !== 422) {
      // Refused for good (expired page, taken away): retrying would not help, reloading might.
      const message = /<p class="alert error"[^>]*>([^<]*)</.exec(ctx.text || '');
      showState('error', `保存失败：${message ? message[1] : `错误 ${status}`}。您输入的内容仍在页面上，请复制后刷新页面。`);
    }
  });

  document.addEventListener('htmx:after:swap', (evt) => {
    if (!isOurs(evt.detail.ctx?.sourceElement)) return;
    refresh();
    // Typed while the save was on its way: the next autosave is already queued or about to be.
    if (dirty() && document.querySelector('#save-state.saved')) showState('dirty', '有修改，即将自动保存…');
  });

  document.addEventListener('htmx:error', (evt) => {
    if (!isOurs(evt.detail.ctx?.sourceElement)) return;
    inFlight = false;
    submitting = false;
    retryLater('保存失败：无法连接服务器。');
  });

  window.addEventListener('beforeunload', (evt) => {
    if (dirty() || inFlight) evt.preventDefault();
  });

  // ---- keyboard ---------------------------------------------------------------------------------
  const cards = () => [...form.querySelectorAll('.criterion')];

  // Leaving for the next entry waits (briefly) for the last change to be saved.
  form.addEventListener('casejury:next', (evt) => {
    const href = evt.detail;
    if (dirty() || inFlight) form.dispatchEvent(new Event('change', { bubbles: true }));
    const started = Date.now();
    const wait = setInterval(() => {
      if ((!dirty() && !inFlight) || Date.now() - started > 5000) {
        clearInterval(wait);
        window.location.href = href;
      }
    }, 100);
  });

  document.addEventListener('keydown', (evt) => {
    if (evt.ctrlKey || evt.metaKey || evt.altKey) return;
    const target = evt.target;
    if (target.matches('input, textarea, select')) {
      // Esc leaves a field so the number keys pick levels again.
      if (evt.key === 'Escape' && target.closest('.criterion')) target.closest('.criterion').focus();
      return;
    }
    const card = target.closest?.('.criterion');
    const key = evt.key;
    if (/^[1-9]$/.test(key) && card) {
      const level = card.querySelectorAll('.level')[Number(key) - 1];
      if (level) {
        evt.preventDefault();
        level.click();
      }
    } else if (['j', 'J', 'k', 'K', 'ArrowDown', 'ArrowUp'].includes(key) && (card || target === document.body)) {
      const all = cards();
      const at = all.indexOf(card);
      const step = key === 'j' || key === 'J' || key === 'ArrowDown' ? 1 : -1;
      const to = all[Math.min(all.length - 1, Math.max(0, at + step))];
      if (to) {
        evt.preventDefault();
        to.focus();
        to.scrollIntoView({ block: 'nearest' });
      }
    }
  });
})();
