// wlab explore page: draws the embedded model (see explorer/src/page/model.rs) and links
// the panes. Every line element gets its link keys ("w<wasm offset>", "i<instruction>");
// each pane keeps a Map from key to its line elements, filled while the pane is drawn, so
// hovering costs the number of linked lines, never a search of the page.
(function () {
  'use strict';
  const M = JSON.parse(document.getElementById('wlab-model').textContent);
  // The stage whose text a stage shows: itself when it changed the IR, else the last
  // earlier one that did.
  function shown(s) { while (s > 0 && !M.stages[s].changed) s--; return s; }
  const lastStage = shown(M.stages.length - 1);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // A wasm offset's colour: one of HUES stripe classes (a rule each, made here), spread
  // by the golden angle so neighbouring operators differ. Classes, not inline styles:
  // cheaper to style on pages of tens of thousands of lines.
  const HUES = 36;
  (function () {
    const rules = [];
    for (let n = 0; n < HUES; n++) rules.push('.c' + n + '{border-left-color:hsl(' + (n * 10) + ',70%,52%)}');
    const style = document.createElement('style');
    style.textContent = rules.join('\n');
    document.head.appendChild(style);
  })();
  function stripe(e, w) {
    if (w !== null && w !== undefined) e.classList.add('c' + (Math.floor(w * 0.6180339887 * HUES) % HUES));
  }
  // Lines go into chunks of CHUNK lines whose layout the browser skips while they are off
  // screen (content-visibility), so a 5,000-instruction function opens quickly.
  const CHUNK = 256;
  const LINE_PX = 16;

  // ---- linking ----
  const panes = [];           // {name, body, index: Map(key -> [elements])}
  let lit = [];
  let src = null;
  function makePane(name, body) {
    const p = { name: name, body: body, index: new Map() };
    panes.push(p);
    body.addEventListener('mouseover', function (ev) {
      const ln = ev.target.closest('.ln');
      if (ln && ln !== src) light(ln);
    });
    body.addEventListener('mouseleave', clear);
    body.addEventListener('click', function (ev) {
      const ln = ev.target.closest('.ln');
      if (ln) reveal(ln, p);
    });
    return p;
  }
  function addLine(p, ln, w, i) {
    const keys = [];
    if (w !== null && w !== undefined) keys.push('w' + w);
    if (i !== null && i !== undefined) keys.push('i' + i);
    ln._keys = keys;
    ln._pane = p;
    for (const k of keys) {
      let a = p.index.get(k);
      if (!a) { a = []; p.index.set(k, a); }
      a.push(ln);
    }
  }
  // Instruction keys link the IR pane with the machine panes only while it shows the
  // stage the code was compiled from: another stage's instruction numbers name other
  // instructions.
  function linked(ln) {
    const out = [];
    const stale = shown(stageNow) !== lastStage;
    for (const p of panes) {
      for (const k of ln._keys || []) {
        if (stale && k.charAt(0) === 'i' && (ln._pane === irPane) !== (p === irPane)) continue;
        const a = p.index.get(k);
        if (a) for (const e of a) out.push([p, e]);
      }
    }
    return out;
  }
  function clear() {
    for (const e of lit) e.classList.remove('hl');
    lit = [];
    if (src) src.classList.remove('hl-src');
    src = null;
  }
  function light(ln) {
    clear();
    for (const [, e] of linked(ln)) { e.classList.add('hl'); lit.push(e); }
    src = ln;
    ln.classList.add('hl-src');
  }
  function reveal(ln, from) {
    const first = new Map();
    for (const [p, e] of linked(ln)) if (p !== from && !first.has(p)) first.set(p, e);
    for (const [p, e] of first) p.body.scrollTop = e.offsetTop - p.body.clientHeight / 2;
  }
  function resetPane(p) {
    p.index = new Map();
    p.body.textContent = '';
    clear();
  }

  // ---- header ----
  const head = document.getElementById('head');
  const h1 = el('h1');
  h1.appendChild(el('code', null, 'function ' + M.function.index + ' "' + M.function.name + '" ' + M.function.signature));
  head.appendChild(h1);
  head.appendChild(el('div', 'sub', (M.pipeline ? 'pipeline: ' + M.pipeline : 'no pipeline (--passes)') +
    ' · ' + (M.stages.length - 1) + ' pass runs · targets: ' +
    (M.targets.length ? M.targets.map(function (t) { return t.target; }).join(', ') : 'none (--target)')));

  const code = document.getElementById('code');
  function pane(id, title, note) {
    const box = el('div', 'pane');
    box.id = id;
    const h = el('h2', null, title);
    if (note) { h.appendChild(document.createTextNode(' ')); h.appendChild(el('span', 'note', note)); }
    box.appendChild(h);
    code.appendChild(box);
    return box;
  }
  function lines(p, texts, wasm, inst, extra) {
    const frag = document.createDocumentFragment();
    let chunk = null;
    for (let n = 0; n < texts.length; n++) {
      if (n % CHUNK === 0) {
        chunk = el('div', 'chunk');
        chunk.style.containIntrinsicSize = 'auto ' + Math.min(CHUNK, texts.length - n) * LINE_PX + 'px';
        frag.appendChild(chunk);
      }
      const ln = el('div', 'ln', texts[n]);
      const w = wasm ? wasm[n] : null;
      const i = inst ? inst[n] : null;
      stripe(ln, w);
      addLine(p, ln, w, i);
      if (extra) extra(ln, n);
      chunk.appendChild(ln);
    }
    p.body.appendChild(frag);
  }
  function empty(body, text) { body.appendChild(el('div', 'empty', text)); }

  // ---- wasm ----
  const wasmBox = pane('wasm', 'wasm', M.wasm.length + ' operators');
  const wasmBody = el('div', 'body');
  wasmBox.appendChild(wasmBody);
  const wasmPane = makePane('wasm', wasmBody);
  if (M.wasm.length) {
    lines(wasmPane, M.wasm.map(function (l) { return l.offset.toString(16).padStart(6) + '  ' + l.text; }),
      M.wasm.map(function (l) { return l.offset; }), null);
  } else {
    empty(wasmBody, 'No wasm operators (an .ir input, or --no-wasm).');
  }

  // ---- IR stages ----
  const irBox = pane('ir', 'IR', '');
  const tabs = el('div', 'tabs');
  const modes = el('div', 'modes');
  const irBody = el('div', 'body');
  irBox.appendChild(tabs);
  irBox.appendChild(modes);
  irBox.appendChild(irBody);
  const irPane = makePane('ir', irBody);
  const irNote = irBox.querySelector('h2');
  let stageNow = M.stages.length - 1;
  let mode = 'ir';
  let blockLines = new Map();
  const tabButtons = M.stages.map(function (st, s) {
    const b = el('button', st.changed ? '' : 'unchanged', s === 0 ? 'input' : s + ' ' + st.name);
    b.title = st.changed ? 'changed the IR' : 'no change';
    b.addEventListener('click', function () { showStage(s); });
    tabs.appendChild(b);
    return b;
  });
  const irButton = el('button', null, 'IR');
  const diffButton = el('button', null, 'diff against the previous stage');
  irButton.addEventListener('click', function () { mode = 'ir'; showStage(stageNow); });
  diffButton.addEventListener('click', function () { mode = 'diff'; showStage(stageNow); });
  modes.appendChild(irButton);
  modes.appendChild(diffButton);
  function showStage(s) {
    stageNow = s;
    tabButtons.forEach(function (b, n) { b.classList.toggle('active', n === s); });
    irButton.classList.toggle('active', mode === 'ir');
    diffButton.classList.toggle('active', mode === 'diff');
    resetPane(irPane);
    blockLines = new Map();
    const st = M.stages[s];
    const counters = Object.keys(st.counters).map(function (k) { return k + '=' + st.counters[k]; }).join(' ');
    irNote.textContent = 'IR ';
    irNote.appendChild(el('span', 'note', (s === 0 ? 'as translated' : 'after ' + st.name + (st.changed ? '' : ' (unchanged)')) +
      (counters ? ' · ' + counters : '')));
    if (mode === 'diff') {
      if (!st.diff) { empty(irBody, s === 0 ? 'The input has no previous stage.' : 'This pass changed nothing.'); return; }
      const dl = st.diff.split('\n');
      if (dl[dl.length - 1] === '') dl.pop();
      lines(irPane, dl, null, null, function (ln, n) {
        const c = dl[n].charAt(0);
        if (dl[n].startsWith('@@')) ln.classList.add('hunk');
        else if (c === '+' && !dl[n].startsWith('+++')) ln.classList.add('add');
        else if (c === '-' && !dl[n].startsWith('---')) ln.classList.add('del');
      });
      return;
    }
    const from = M.stages[shown(s)];
    lines(irPane, from.text, from.wasm, from.inst, function (ln, n) {
      const m = /^(block\d+)[(:]/.exec(from.text[n]);
      if (m) { ln.classList.add('hdr'); blockLines.set(m[1], ln); }
    });
  }
  showStage(stageNow);

  // ---- machine code ----
  if (!M.targets.length) {
    const box = pane('machine-none', 'machine code', '');
    const body = el('div', 'body');
    empty(body, 'No machine code: give --target x86_64 and/or --target aarch64.');
    box.appendChild(body);
  }
  M.targets.forEach(function (t) {
    const s = t.stats;
    const box = pane('machine-' + t.target, t.target,
      s.insts + ' instructions, ' + s.code_bytes + ' bytes, ' + s.spills + ' spills' +
      (t.ir_stage === null ? ' · linked by wasm offset only (its IR differs from the last stage)' : ''));
    box.classList.add('machine');
    const body = el('div', 'body');
    box.appendChild(body);
    const p = makePane(t.target, body);
    // Instruction links hold only for the stage this code was compiled from.
    const inst = t.ir_stage === null ? null : t.inst;
    lines(p, t.text, t.wasm, inst);
    if (t.regalloc_note) box.querySelector('h2').appendChild(el('span', 'note', ' · ' + t.regalloc_note));
  });
  // ---- statistics ----
  const stats = document.getElementById('stats');
  stats.appendChild(el('h2', null, 'statistics'));
  if (M.targets.length) {
    const rows = [['instructions', 'insts'], ['code bytes', 'code_bytes'], ['loads', 'loads'], ['stores', 'stores'],
      ['calls', 'calls'], ['spills', 'spills'], ['reloads', 'reloads'], ['moves', 'moves'],
      ['spill slots', 'spill_slots'], ['VCode instructions', 'vcode_insts'], ['values live at once', 'max_live'],
      ['allocator', 'regalloc'], ['lower µs', 'lower_ns'], ['regalloc µs', 'regalloc_ns'], ['emit µs', 'emit_ns']];
    const table = el('table');
    const hr = el('tr');
    hr.appendChild(el('th', null, ''));
    M.targets.forEach(function (t) { hr.appendChild(el('th', null, t.target)); });
    table.appendChild(hr);
    rows.forEach(function (r) {
      const tr = el('tr');
      tr.appendChild(el('td', null, r[0]));
      M.targets.forEach(function (t) {
        let v = t.stats[r[1]];
        if (r[1].endsWith('_ns')) v = Math.round(v / 1000);
        tr.appendChild(el('td', null, String(v)));
      });
      table.appendChild(tr);
    });
    stats.appendChild(table);
  } else {
    empty(stats, 'No machine-code statistics without --target.');
  }
  if (M.stages.length > 1) {
    stats.appendChild(el('h2', null, 'passes'));
    const wrap = el('div', 'scroll');
    const table = el('table');
    const hr = el('tr');
    ['#', 'pass', 'changed', 'µs', 'counters'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    table.appendChild(hr);
    M.stages.forEach(function (st, s) {
      if (s === 0) return;
      const tr = el('tr');
      tr.appendChild(el('td', null, String(s)));
      tr.appendChild(el('td', 'l nowrap', st.name));
      tr.appendChild(el('td', null, st.changed ? 'yes' : ''));
      tr.appendChild(el('td', null, st.time_us.toFixed(0)));
      tr.appendChild(el('td', 'l', Object.keys(st.counters).map(function (k) { return k + '=' + st.counters[k]; }).join(' ')));
      tr.addEventListener('click', function () { showStage(s); });
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    stats.appendChild(wrap);
  }

  // ---- CFG ----
  const cfg = document.getElementById('cfg');
  const g = M.cfg;
  cfg.appendChild(el('h2', null, 'CFG of the last stage (' + g.nodes.length + ' blocks; click a block to see it)'));
  const NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  const wrap = el('div', 'scroll');
  const root = svg('svg', { width: g.width, height: g.height, viewBox: '0 0 ' + g.width + ' ' + g.height });
  const defs = svg('defs', {});
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' }));
  defs.appendChild(marker);
  root.appendChild(defs);
  g.edges.forEach(function (e) {
    const a = g.nodes[e.from], b = g.nodes[e.to];
    let d;
    if (e.back) {
      // Out of the source's bottom, right in the gap below its layer, up its own lane
      // (right of every box on the way), left in the gap above the target's layer, into
      // the target's top: the horizontal runs lie between layers, so they cross no box.
      const x1 = a.x + a.w * 0.75, y1 = a.y + a.h, x2 = b.x + b.w * 0.75, y2 = b.y, rx = e.route_x;
      const below = y1 + 10, above = y2 - 10;
      d = 'M' + x1 + ',' + y1 + ' L' + x1 + ',' + below + ' L' + rx + ',' + below + ' L' + rx + ',' + above +
        ' L' + x2 + ',' + above + ' L' + x2 + ',' + y2;
    } else {
      const x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y;
      const my = (y1 + y2) / 2;
      d = 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + my + ' ' + x2 + ',' + my + ' ' + x2 + ',' + y2;
    }
    root.appendChild(svg('path', { d: d, class: 'edge' + (e.back ? ' back' : ''), 'marker-end': 'url(#arrow)' }));
  });
  g.nodes.forEach(function (n) {
    const grp = svg('g', { class: 'node' });
    grp.appendChild(svg('rect', { x: n.x, y: n.y, width: n.w, height: n.h, rx: 4 }));
    const t = svg('text', { x: n.x + n.w / 2, y: n.y + n.h / 2 + 4, 'text-anchor': 'middle' });
    t.textContent = n.block + ' (' + n.insts + ')';
    grp.appendChild(t);
    grp.addEventListener('click', function () {
      mode = 'ir';
      showStage(M.stages.length - 1);
      const ln = blockLines.get(n.block);
      if (ln) { irBody.scrollTop = ln.offsetTop - 8; light(ln); }
    });
    root.appendChild(grp);
  });
  wrap.appendChild(root);
  cfg.appendChild(wrap);
  // Wide graphs open on the entry block.
  if (g.nodes.length) wrap.scrollLeft = g.nodes[0].x + g.nodes[0].w / 2 - wrap.clientWidth / 2;
  const dot = el('details');
  dot.appendChild(el('summary', null, 'Graphviz DOT'));
  dot.appendChild(el('pre', null, g.dot));
  cfg.appendChild(dot);

  // ---- e-graph ----
  const eg = document.getElementById('egraph');
  eg.appendChild(el('h2', null, 'e-graph'));
  if (!M.egraph.length) {
    empty(eg, M.pipeline ? 'The pipeline has no egraph pass.' : 'No pipeline (--passes): no egraph run.');
  }
  M.egraph.forEach(function (r) {
    const h = el('h3', null, 'stage ' + r.stage + ': ' + r.pass);
    h.style.fontSize = '13px';
    eg.appendChild(h);
    const table = el('table');
    [['stopped', r.stop || '?'], ['iterations', r.iterations], ['idle iterations', r.idle_iterations],
      ['stalled', r.stalled ? 'yes' : 'no'], ['e-nodes', r.enodes], ['e-classes', r.eclasses],
      ['rules applied', r.rules.length]].forEach(function (row) {
      const tr = el('tr');
      tr.appendChild(el('td', null, row[0]));
      tr.appendChild(el('td', null, String(row[1])));
      table.appendChild(tr);
    });
    eg.appendChild(table);
    if (r.rules.length) {
      const det = el('details');
      det.open = r.rules.length <= 12;
      det.appendChild(el('summary', null, 'applications per rule'));
      const rt = el('table');
      r.rules.forEach(function (x) {
        const tr = el('tr');
        tr.appendChild(el('td', null, x[0]));
        tr.appendChild(el('td', null, String(x[1])));
        rt.appendChild(tr);
      });
      det.appendChild(rt);
      eg.appendChild(det);
    }
    if (r.dump) {
      const det = el('details');
      det.appendChild(el('summary', null, 'saturated e-graph (--egraph-dump)'));
      det.appendChild(el('pre', null, r.dump));
      eg.appendChild(det);
    }
  });
  document.body.dataset.ready = 'yes';
})();
