/*
 * The space-time diagram page of `raftkv trace render`.
 *
 * Reads the JSON in <script id="trace-data"> and draws one SVG: a g.host per column (lifeline
 * and name), a line.msg per message (data-from/data-to = topological positions), a circle.ev
 * per event (data-i = position, data-host, data-seq, data-action) with its text.label.
 * Clicking an event highlights every event of its operation (same clientId and opId) and the
 * arrows between them (class "selected"); an event with no operation is highlighted alone with
 * its arrows.
 *
 * Contract for tests and tools: <body data-rendered> is "pending" until the script ran, then
 * "ok", or "error" with the messages in <pre id="errors">; data-render-millis says how long
 * drawing took. The URL fragment selects on load: #op=clientId:opId highlights an operation,
 * #event=N clicks the event at position N.
 */
(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var body = document.body;

  function fail(message) {
    body.setAttribute('data-rendered', 'error');
    var pre = document.getElementById('errors');
    pre.hidden = false;
    pre.textContent += message + '\n';
  }

  window.addEventListener('error', function (ev) {
    fail('error: ' + ev.message + ' (line ' + ev.lineno + ':' + ev.colno + ')');
  });

  var data, g, svg, circles = [], labels = [], lines = [], arrowsOf = [];
  var scale = 1, width = 0, height = 0, selection = null;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG_NS, name);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) {
        e.setAttribute(k, attrs[k]);
      }
    }
    if (parent) {
      parent.appendChild(e);
    }
    return e;
  }

  function x(column) {
    return g.left + column * g.columnWidth + g.dotOffset;
  }

  function y(row) {
    return g.top + g.rowHeight / 2 + row * g.rowHeight;
  }

  function arrowLine(a, b) {
    var x1 = x(a.h), y1 = y(a.r), x2 = x(b.h), y2 = y(b.r);
    var dx = x2 - x1, dy = y2 - y1, len = Math.max(Math.hypot(dx, dy), 1e-9);
    var ux = dx / len, uy = dy / len, start = g.radius, end = g.radius + 2;
    return [x1 + ux * start, y1 + uy * start, x2 - ux * end, y2 - uy * end];
  }

  function markers(parent) {
    var defs = el('defs', {}, parent);
    ['arrow', 'arrow-sel'].forEach(function (id) {
      var m = el('marker', {id: id, viewBox: '0 0 10 10', refX: 9, refY: 5,
        markerUnits: 'userSpaceOnUse', markerWidth: 9, markerHeight: 9,
        orient: 'auto-start-reverse'}, defs);
      el('path', {'class': 'arrowhead' + (id === 'arrow' ? '' : ' selected'),
        d: 'M0,0 L10,5 L0,10 z'}, m);
    });
  }

  function draw() {
    data = JSON.parse(document.getElementById('trace-data').textContent);
    g = data.geometry;
    document.getElementById('title').textContent = data.title;
    document.getElementById('summary').textContent = data.summary;
    width = g.left * 2 + data.hosts.length * g.columnWidth;
    height = g.top + data.rows * g.rowHeight + g.bottom;
    svg = el('svg', {'class': 'spacetime', id: 'diagram', viewBox: '0 0 ' + width + ' ' + height});
    markers(svg);
    var hostsG = el('g', {'class': 'hosts'}, svg);
    var bar = document.getElementById('hostbar');
    data.hosts.forEach(function (name, c) {
      var hg = el('g', {'class': 'host', 'data-host': name}, hostsG);
      el('line', {'class': 'lifeline', x1: x(c), y1: g.top, x2: x(c), y2: height - g.bottom / 2}, hg);
      el('text', {'class': 'hostname', x: x(c) - g.dotOffset + 4, y: g.top - 10}, hg)
          .textContent = name;
      var span = document.createElement('span');
      span.textContent = name;
      span.setAttribute('data-column', c);
      bar.appendChild(span);
    });
    var arrowsG = el('g', {'class': 'arrows'}, svg);
    data.events.forEach(function () {
      arrowsOf.push([]);
    });
    data.arrows.forEach(function (pair, k) {
      var a = data.events[pair[0]], b = data.events[pair[1]], p = arrowLine(a, b);
      lines.push(el('line', {'class': 'msg', 'data-from': a.p, 'data-to': b.p, x1: p[0].toFixed(1),
        y1: p[1].toFixed(1), x2: p[2].toFixed(1), y2: p[3].toFixed(1),
        'marker-end': 'url(#arrow)'}, arrowsG));
      arrowsOf[pair[0]].push(k);
      arrowsOf[pair[1]].push(k);
    });
    var eventsG = el('g', {'class': 'events'}, svg);
    data.events.forEach(function (e, i) {
      var cx = x(e.h), cy = y(e.r);
      circles.push(el('circle', {'class': 'ev fam-' + e.k, 'data-i': e.p, 'data-n': i,
        'data-host': data.hosts[e.h], 'data-seq': e.s, 'data-action': e.a, cx: cx, cy: cy,
        r: g.radius}, eventsG));
      var t = el('text', {'class': 'label', 'data-i': e.p, 'data-n': i, x: cx + g.labelOffset,
        y: cy + 4}, eventsG);
      t.textContent = e.a;
      labels.push(t);
    });
    document.getElementById('canvas').appendChild(svg);
    applyScale();
  }

  function describe(e) {
    return '#' + e.p + '  ' + data.hosts[e.h] + ' seq ' + e.s + '\n' + e.a + ' '
        + JSON.stringify(e.f) + '\ntrace ' + e.t + '\nclock ' + JSON.stringify(e.c)
        + '\nwallMicros ' + e.w + (e.o ? '\noperation ' + e.o : '');
  }

  /** Highlights events (indices into data.events) and arrows (indices into data.arrows). */
  function highlight(eventIdx, arrowIdx, text) {
    circles.forEach(function (c) { c.classList.remove('selected'); });
    labels.forEach(function (l) { l.classList.remove('selected'); });
    lines.forEach(function (l) {
      l.classList.remove('selected');
      l.setAttribute('marker-end', 'url(#arrow)');
    });
    eventIdx.forEach(function (i) {
      circles[i].classList.add('selected');
      labels[i].classList.add('selected');
    });
    arrowIdx.forEach(function (k) {
      lines[k].classList.add('selected');
      lines[k].setAttribute('marker-end', 'url(#arrow-sel)');
    });
    svg.classList.toggle('has-selection', eventIdx.length > 0);
    var details = document.getElementById('details');
    details.textContent = text;
  }

  function selectOperation(key) {
    var idx = [], inOp = {};
    data.events.forEach(function (e, i) {
      if (e.o === key) {
        idx.push(i);
        inOp[i] = true;
      }
    });
    var arrowIdx = [];
    data.arrows.forEach(function (pair, k) {
      if (inOp[pair[0]] && inOp[pair[1]]) {
        arrowIdx.push(k);
      }
    });
    selection = key;
    document.getElementById('op-input').value = key;
    var text = 'operation ' + key + ': ' + idx.length + ' events shown\n\n'
        + idx.map(function (i) { return describe(data.events[i]); }).join('\n\n');
    highlight(idx, arrowIdx, idx.length ? text : 'operation ' + key + ': no event shown');
    return idx;
  }

  function selectEvent(i) {
    var e = data.events[i];
    if (e.o) {
      selectOperation(e.o);
      document.getElementById('details').textContent = describe(e) + '\n\n'
          + document.getElementById('details').textContent;
    } else {
      selection = null;
      highlight([i], arrowsOf[i], describe(e));
    }
  }

  function clear() {
    selection = null;
    document.getElementById('op-input').value = '';
    highlight([], [], '');
  }

  function applyScale() {
    svg.setAttribute('width', Math.round(width * scale));
    svg.setAttribute('height', Math.round(height * scale));
    svg.classList.toggle('small', scale < 0.55);
    document.getElementById('zoom-level').textContent = Math.round(scale * 100) + '%';
    var spans = document.getElementById('hostbar').children;
    for (var c = 0; c < spans.length; c++) {
      spans[c].style.left = ((x(c) - g.dotOffset + 4) * scale) + 'px';
    }
    document.getElementById('hostbar').style.width = Math.round(width * scale) + 'px';
  }

  /** Zooms to `next`, keeping the diagram point under (clientX, clientY) where it is. */
  function zoomTo(next, clientX, clientY) {
    var view = document.getElementById('view');
    next = Math.min(4, Math.max(0.05, next));
    var rect = view.getBoundingClientRect();
    var px = clientX === undefined ? rect.width / 2 : clientX - rect.left;
    var py = clientY === undefined ? rect.height / 2 : clientY - rect.top;
    var dx = (view.scrollLeft + px) / scale, dy = (view.scrollTop + py) / scale;
    scale = next;
    applyScale();
    view.scrollLeft = dx * scale - px;
    view.scrollTop = dy * scale - py;
  }

  function scrollToEvent(i) {
    var view = document.getElementById('view'), e = data.events[i];
    view.scrollTop = Math.max(0, y(e.r) * scale - view.clientHeight / 3);
    view.scrollLeft = Math.max(0, x(e.h) * scale - view.clientWidth / 3);
  }

  function eventIndexOf(target) {
    var n = target && target.getAttribute && target.getAttribute('data-n');
    return n === null || n === undefined || n === false ? -1 : Number(n);
  }

  function wire() {
    svg.addEventListener('click', function (ev) {
      var i = eventIndexOf(ev.target);
      if (i >= 0) {
        selectEvent(i);
      } else {
        clear();
      }
    });
    var tip = document.getElementById('tooltip');
    svg.addEventListener('mouseover', function (ev) {
      var i = eventIndexOf(ev.target);
      if (i < 0) {
        tip.hidden = true;
        return;
      }
      tip.textContent = describe(data.events[i]);
      tip.style.left = (ev.clientX + 12) + 'px';
      tip.style.top = (ev.clientY + 12) + 'px';
      tip.hidden = false;
    });
    svg.addEventListener('mouseout', function () {
      tip.hidden = true;
    });
    document.getElementById('view').addEventListener('wheel', function (ev) {
      if (ev.ctrlKey) {
        ev.preventDefault();
        zoomTo(scale * (ev.deltaY < 0 ? 1.15 : 1 / 1.15), ev.clientX, ev.clientY);
      }
    }, {passive: false});
    document.getElementById('zoom-in').onclick = function () { zoomTo(scale * 1.25); };
    document.getElementById('zoom-out').onclick = function () { zoomTo(scale / 1.25); };
    document.getElementById('zoom-reset').onclick = function () { zoomTo(1); };
    document.getElementById('zoom-fit').onclick = function () {
      zoomTo(document.getElementById('view').clientWidth / width);
    };
    document.getElementById('clear').onclick = clear;
    document.getElementById('op-input').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') {
        var idx = selectOperation(ev.target.value.trim());
        if (idx.length) {
          scrollToEvent(idx[0]);
        }
      }
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.target.tagName === 'INPUT') {
        return;
      }
      if (ev.key === '+' || ev.key === '=') {
        zoomTo(scale * 1.25);
      } else if (ev.key === '-') {
        zoomTo(scale / 1.25);
      } else if (ev.key === '0') {
        zoomTo(1);
      } else if (ev.key === 'Escape') {
        clear();
      }
    });
  }

  /** The initial selection: the URL fragment if it names one, else --op of the command line. */
  function initialSelection() {
    var hash = decodeURIComponent(window.location.hash.replace(/^#/, ''));
    var m = /^event=(\d+)$/.exec(hash);
    if (m) {
      var target = svg.querySelector('circle.ev[data-i="' + m[1] + '"]');
      if (!target) {
        throw new Error('#event=' + m[1] + ': no event at that position is drawn');
      }
      target.dispatchEvent(new MouseEvent('click', {bubbles: true}));
      scrollToEvent(eventIndexOf(target));
      return;
    }
    m = /^op=(.+)$/.exec(hash);
    var key = m ? m[1] : data.selected;
    if (key) {
      var idx = selectOperation(key);
      if (idx.length) {
        scrollToEvent(idx[0]);
      }
    }
  }

  try {
    var started = Date.now();
    draw();
    wire();
    initialSelection();
    body.setAttribute('data-render-millis', String(Date.now() - started));
    if (body.getAttribute('data-rendered') === 'pending') {
      body.setAttribute('data-rendered', 'ok');
    }
  } catch (e) {
    fail(String(e && e.stack ? e.stack : e));
  }
}());
