// Configures the Emscripten module before bloatmeter.js loads: where the
// canvas is, how start-up failures reach the person and the tests, and how
// a saved result file (picker or drag and drop) reaches the client.
(function () {
  'use strict';
  var mirror = function (text) {
    var el = document.getElementById('status-mirror');
    if (el) el.textContent = text;
  };
  window.Module = {
    canvas: document.getElementById('canvas'),
    print: function (text) { console.log(text); },
    printErr: function (text) { console.warn(text); },
    onAbort: function (what) {
      document.body.dataset.state = 'error';
      mirror('The test could not start: ' + what);
    }
  };
  if (typeof WebAssembly !== 'object') {
    document.body.dataset.state = 'error';
    mirror('This browser cannot run the test (no WebAssembly support).');
  }

  // A result file's text goes to the client, which validates and replays it.
  var openText = function (text) {
    if (Module.ccall) Module.ccall('bm_open_result_text', null, ['string'], [text]);
  };
  var readFile = function (file) {
    if (!file) return;
    if (file.size > 8 * 1024 * 1024) { openText('{"error": "file too large"}'); return; }
    file.text().then(openText, function () { openText(''); });
  };
  // The accessible twins of the canvas's buttons.
  document.querySelectorAll('#actions button').forEach(function (b) {
    b.addEventListener('click', function () {
      if (Module.ccall) Module.ccall('bm_action', null, ['number'], [Number(b.dataset.action)]);
    });
  });
  // The tab's title follows the test too (a person who switched tabs sees
  // it end; the lab and the benchmarks watch it without attaching DevTools,
  // whose network instrumentation would slow the very test they measure).
  var baseTitle = document.title;
  var stateTitles = { running: 'Testing…', done: 'Result', error: 'Error', 'operator-key': 'Operator',
    'operator-checking': 'Operator', 'operator-loading': 'Operator', operator: 'Operator', 'operator-result': 'Result' };
  var syncActions = function () {
    var state = document.body.dataset.state;
    document.querySelectorAll('#actions button').forEach(function (b) {
      b.hidden = b.dataset.show.split(' ').indexOf(state) < 0;
    });
    document.title = stateTitles[state] ? stateTitles[state] + ' · ' + baseTitle : baseTitle;
  };
  new MutationObserver(syncActions).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  syncActions();

  var input = document.getElementById('file-input');
  input.addEventListener('change', function () { readFile(input.files[0]); input.value = ''; });
  window.addEventListener('dragover', function (e) { e.preventDefault(); });
  window.addEventListener('drop', function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) readFile(e.dataTransfer.files[0]);
  });
  // Keys typed in the page's own fields and buttons are theirs: the canvas's
  // keyboard handler (registered later, also on window) would otherwise
  // swallow Backspace and Tab. Enter in a field does what its button does.
  window.addEventListener('keydown', function (e) {
    var t = e.target;
    if (!t || ['INPUT', 'TEXTAREA', 'BUTTON', 'SELECT'].indexOf(t.tagName) < 0) return;
    e.stopImmediatePropagation();
    if (e.key === 'Enter' && t.tagName === 'INPUT' && t.id && Module.ccall) {
      e.preventDefault();
      Module.ccall('bm_field_enter', null, ['string'], [t.id]);
    }
  }, true);
  ['keyup', 'keypress'].forEach(function (type) {
    window.addEventListener(type, function (e) {
      if (e.target && ['INPUT', 'TEXTAREA', 'BUTTON', 'SELECT'].indexOf(e.target.tagName) >= 0) e.stopImmediatePropagation();
    }, true);
  });
  // /#operator typed into an open page's address bar, or back and forward.
  window.addEventListener('hashchange', function () {
    if (Module.ccall) Module.ccall('bm_hash_changed', null, [], []);
  });

  // The canvas is the app: a right click there opens no browser menu.
  document.getElementById('canvas').addEventListener('contextmenu', function (e) { e.preventDefault(); });

  // From disk (file://) browsers will not fetch a .wasm: load the
  // single-file build, which replays saved results without a server. Here,
  // not inline in the page: the server's Content-Security-Policy allows
  // scripts from files only.
  var app = document.createElement('script');
  app.src = location.protocol === 'file:' ? 'bloatmeter-offline.js' : 'bloatmeter.js';
  app.async = true;
  document.body.appendChild(app);
})();
