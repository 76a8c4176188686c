// Watchkeeper pages: keyboard shortcuts and live updates of the incidents list.
// Loaded from /assets/ (the CSP allows no inline script). Every page works without this file:
// it only adds shortcuts and saves reloads.
(function () {
  'use strict';

  var selected = null; // id of the selected incident row (list page)

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : null;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('#incidents tbody tr[data-id]'));
  }

  function mark() {
    rows().forEach(function (tr) {
      var on = tr.getAttribute('data-id') === selected;
      tr.classList.toggle('selected', on);
      if (on) {
        tr.setAttribute('aria-selected', 'true');
      } else {
        tr.removeAttribute('aria-selected');
      }
    });
  }

  function move(step) {
    var list = rows();
    if (list.length === 0) {
      return;
    }
    var at = -1;
    for (var i = 0; i < list.length; i++) {
      if (list[i].getAttribute('data-id') === selected) {
        at = i;
      }
    }
    at = at < 0 ? (step > 0 ? 0 : list.length - 1)
      : Math.max(0, Math.min(list.length - 1, at + step));
    selected = list[at].getAttribute('data-id');
    mark();
    list[at].scrollIntoView({block: 'nearest'});
  }

  // A normal form POST (the server answers 303), as if the page's own form had been submitted.
  function post(action) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    var fields = {csrf_token: csrf(), 'return': location.pathname + location.search};
    Object.keys(fields).forEach(function (k) {
      if (fields[k] !== null) {
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = k;
        input.value = fields[k];
        form.appendChild(input);
      }
    });
    document.body.appendChild(form);
    form.submit();
  }

  function act(verb) {
    var page = document.getElementById('incident');
    if (page) {
      var form = document.getElementById(verb === 'acknowledge' ? 'ack-form' : 'resolve-form');
      var button = form && form.querySelector('button');
      if (button && !button.disabled) {
        button.click();
      }
      return;
    }
    if (selected !== null) {
      post('/incidents/' + encodeURIComponent(selected) + '/' + verb);
    }
  }

  function help() {
    var d = document.getElementById('help');
    if (d && !d.open) {
      d.showModal();
    }
  }

  function typing(el) {
    if (!el) {
      return false;
    }
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) {
      return;
    }
    var d = document.getElementById('help');
    if (d && d.open) {
      return; // the dialog handles Escape itself
    }
    switch (e.key) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'Enter':
        if (selected !== null && document.getElementById('incidents')) {
          location.href = '/incidents/' + encodeURIComponent(selected);
        } else {
          return;
        }
        break;
      case 'a': act('acknowledge'); break;
      case 'r': act('resolve'); break;
      case '?': help(); break;
      default: return;
    }
    e.preventDefault();
  });

  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('[data-help]')) {
      help();
      return;
    }
    var tr = t && t.closest ? t.closest('#incidents tbody tr[data-id]') : null;
    if (tr && !(t.closest('a'))) {
      selected = tr.getAttribute('data-id');
      mark();
    }
  });

  // Live list: the server says "changed" when incidents this viewer may see changed; the rows
  // are fetched again with the same filters and swapped in place (the selection stays).
  var source = null;
  var refreshing = false;
  var again = false;

  function setStatus(text) {
    var s = document.getElementById('live');
    if (s) {
      s.textContent = text;
    }
  }

  function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    fetch(location.pathname + location.search, {credentials: 'same-origin',
      headers: {'Accept': 'text/html'}})
      .then(function (r) {
        if (r.redirected && new URL(r.url).pathname === '/login') {
          location.reload(); // the session ended: show the login form
          throw new Error('logged out');
        }
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.querySelector('#incidents tbody');
        var old = document.querySelector('#incidents tbody');
        if (fresh && old) {
          old.replaceWith(document.adoptNode(fresh));
          mark();
        }
        setStatus('live · updated ' + new Date().toLocaleTimeString());
      })
      .catch(function () {
        setStatus('live · refresh failed, retrying');
      })
      .then(function () {
        refreshing = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function connect() {
    var table = document.getElementById('incidents');
    var status = document.getElementById('live');
    if (!table || !window.EventSource || source) {
      return;
    }
    var since = status ? status.getAttribute('data-since') : null;
    source = new EventSource(table.getAttribute('data-stream')
      + (since ? '?since=' + encodeURIComponent(since) : ''));
    source.addEventListener('open', function () { setStatus('live'); });
    source.addEventListener('changed', refresh);
    source.addEventListener('error', function () { setStatus('live · reconnecting'); });
  }

  function start() {
    connect();
    mark();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
  // htmx swaps the body for boosted links and forms: keep the stream (the filters are read
  // from the address at each refresh), and re-mark the selection.
  document.addEventListener('htmx:afterSettle', function () {
    if (!document.getElementById('incidents') && source) {
      source.close();
      source = null;
    }
    start();
  });
}());
