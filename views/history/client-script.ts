/**
 * The History page's small script (served at /history/client.js; no inline scripts under
 * the CSP): day headings in the VIEWER's time zone, which the server cannot know, and
 * dropping a row that arrives twice (live and by scroll). It only changes the DOM where the
 * headings are wrong, so observing its own changes settles at once. Choosing another person in
 * the picker opens their history (the form is a plain GET; its button does it without scripts).
 */
export const HISTORY_CLIENT_JS = `(function () {
  'use strict';
  var fmt = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' };
  function dayKey(d) { return d.getFullYear() + '-' + (d.getMonth() + 1) + '-' + d.getDate(); }
  function heading(d, key) {
    var li = document.createElement('li');
    li.className = 'day-heading sticky top-0 z-10 -mx-4 bg-slate-50/95 px-4 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400 dark:bg-slate-950/95';
    li.setAttribute('data-day', key);
    var t = document.createElement('time');
    t.setAttribute('datetime', d.toISOString().slice(0, 10));
    t.textContent = d.toLocaleDateString(undefined, fmt);
    li.appendChild(t);
    return li;
  }
  function regroup() {
    var list = document.getElementById('history-list');
    if (!list) return;
    var kids = Array.prototype.slice.call(list.children);
    var seen = Object.create(null);
    var prevKey = null;
    var pending = null;
    for (var i = 0; i < kids.length; i++) {
      var el = kids[i];
      if (el.classList.contains('day-heading')) {
        if (pending) pending.remove();
        pending = el;
        continue;
      }
      if (!el.classList.contains('play')) continue;
      if (seen[el.id]) { el.remove(); continue; }
      seen[el.id] = true;
      var d = new Date(el.getAttribute('data-at'));
      var key = dayKey(d);
      if (key !== prevKey) {
        if (!(pending && pending.getAttribute('data-day') === key)) {
          if (pending) pending.remove();
          list.insertBefore(heading(d, key), el);
        }
      } else if (pending) {
        pending.remove();
      }
      pending = null;
      prevKey = key;
    }
    if (pending) pending.remove();
  }
  var scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(function () { scheduled = false; regroup(); }, 0);
  }
  function start() {
    regroup();
    var picker = document.getElementById('history-person-select');
    if (picker) picker.addEventListener('change', function () { picker.form.submit(); });
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
