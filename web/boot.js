// Configures the Emscripten module before bloatmeter.js loads: where the
// canvas is, and how start-up failures reach the person and the tests.
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
})();
