// Small client behaviours the server-rendered pages rely on. No inline scripts (CSP).
(function () {
  'use strict';
  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  // Every htmx request carries the CSRF token in a header.
  document.addEventListener('htmx:config:request', function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (ctx && ctx.request && ctx.request.headers) ctx.request.headers['X-CSRF-Token'] = csrfToken();
  });
  // Times are stored in UTC and shown in the viewer's time zone: <time datetime="..." data-local>.
  function localizeTimes(root) {
    var nodes = (root || document).querySelectorAll('time[data-local]');
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) continue;
      var style = el.getAttribute('data-local');
      el.textContent =
        style === 'time'
          ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
          : style === 'date'
            ? d.toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
            : d.toLocaleString();
      el.title = d.toISOString();
      el.removeAttribute('data-local');
    }
  }
  document.addEventListener('DOMContentLoaded', function () { localizeTimes(document); });
  document.addEventListener('htmx:after:settle', function () { localizeTimes(document); });
  document.addEventListener('htmx:after:swap', function () { localizeTimes(document); });
  // Copy buttons: <button data-copy="#selector">.
  document.addEventListener('click', function (evt) {
    var btn = evt.target && evt.target.closest ? evt.target.closest('[data-copy]') : null;
    if (!btn) return;
    var src = document.querySelector(btn.getAttribute('data-copy'));
    if (!src) return;
    var text = src.value !== undefined ? src.value : src.textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text.trim()).catch(function () {});
    var old = btn.textContent;
    btn.textContent = 'Copied';
    setTimeout(function () { btn.textContent = old; }, 1500);
  });
  // The Logs page's live tail: drop appended lines that the page's filter excludes.
  function filterLogRows() {
    var body = document.getElementById('log-rows');
    if (!body) return;
    var min = Number(body.getAttribute('data-min-level') || 0);
    var comp = body.getAttribute('data-component') || '';
    var rows = body.querySelectorAll('tr[data-level]');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (Number(r.getAttribute('data-level')) < min || (comp && r.getAttribute('data-component') !== comp)) r.remove();
    }
  }
  document.addEventListener('htmx:after:swap', filterLogRows);
  // An event's Details row closes back into its empty slot; focus returns to its Details button.
  document.addEventListener('click', function (evt) {
    var btn = evt.target && evt.target.closest ? evt.target.closest('[data-close-detail]') : null;
    if (!btn) return;
    var id = btn.getAttribute('data-close-detail');
    var row = document.getElementById('event-detail-' + id);
    if (row) {
      var slot = document.createElement('tr');
      slot.id = row.id;
      slot.className = 'event-detail-slot hidden';
      row.replaceWith(slot);
    }
    var opener = document.querySelector('#event-' + id + ' .event-details');
    if (opener) opener.focus();
  });
  // The phone menu: the Menu button shows and hides the navigation (from md up it is always shown).
  document.addEventListener('click', function (evt) {
    var btn = evt.target && evt.target.closest ? evt.target.closest('#nav-toggle') : null;
    if (!btn) return;
    var menu = document.getElementById('main-menu');
    if (!menu) return;
    var open = btn.getAttribute('aria-expanded') !== 'true';
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    menu.classList.toggle('hidden', !open);
    menu.classList.toggle('flex', open);
  });
  // Forms marked data-autosubmit (the Logs filters) apply as soon as a field changes.
  document.addEventListener('change', function (evt) {
    var form = evt.target && evt.target.closest ? evt.target.closest('form[data-autosubmit]') : null;
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  });
  window.pts = { localizeTimes: localizeTimes };
})();
