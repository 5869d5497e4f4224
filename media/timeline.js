// Hart Timeline webview script: draws one lane per hart on a canvas that fills the panel, in the theme's colours, and
// posts `goto` (a position and the hart of the lane) when the user clicks. No framework; the extension posts `data`
// after every stop (see src/extension/timelineView.ts).
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const canvas = /** @type {HTMLCanvasElement} */ (document.getElementById('lanes'));
  const box = /** @type {HTMLElement} */ (document.getElementById('box'));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const where = /** @type {HTMLElement} */ (document.getElementById('where'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
  const tip = /** @type {HTMLElement} */ (document.getElementById('tip'));
  const LABEL = 56,
    AXIS = 20,
    PAD = 6,
    MIN_LANE = 16,
    MAX_LANE = 44;
  /** Axis labels keep at least this many pixels between them, so they never overlap. */
  const LABEL_GAP = 110;

  /** @type {any} */ let data;
  /** @type {string[]} */ let colors = [];
  let v0 = 0,
    v1 = 1; // the visible window, in positions
  let fitted = false;
  /** Source lines the extension answered, by `position/hart` ('' for none); one question in flight at a time. */
  const sources = new Map();
  /** @type {string | undefined} */ let asking;
  /** Counts the data messages: an answer to a question asked before the last one is stale. */
  let epoch = 0;
  /** @type {string | undefined} */ let wanted;
  /** @type {{ x: number, y: number } | undefined} */ let hovered;

  function ask(/** @type {string} */ key) {
    wanted = key;
    if (asking || sources.has(key) || !data || !data.stopped) return;
    asking = key;
    const [position, hart] = key.split('/').map(Number);
    vscode.postMessage({ type: 'where', position, hart, epoch });
  }

  const fmt = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US');
  const css = (/** @type {string} */ name, /** @type {string} */ fallback) =>
    getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
  const width = () => canvas.clientWidth;
  const height = () => canvas.clientHeight;
  const lane = () =>
    data && data.harts ? Math.max(MIN_LANE, Math.min(MAX_LANE, (height() - AXIS - PAD) / data.harts)) : MIN_LANE;
  const laneY = (/** @type {number} */ k) => AXIS + k * lane();
  const x = (/** @type {number} */ p) => LABEL + ((p - v0) / Math.max(1, v1 - v0)) * (width() - LABEL - PAD);
  const pos = (/** @type {number} */ px) => v0 + ((px - LABEL) / Math.max(1, width() - LABEL - PAD)) * (v1 - v0);
  const hartAt = (/** @type {number} */ py) => Math.floor((py - AXIS) / lane());

  /** Intervals during which each hart ran, from the switches (each names the hart that starts). */
  function runs() {
    const out = [];
    const sw = data.switches;
    if (sw.length === 0) return [{ hart: data.focus, from: 0, to: data.end }];
    if (sw[0].position > 0) out.push({ hart: 0, from: 0, to: sw[0].position, guessed: true });
    for (let k = 0; k < sw.length; k++)
      out.push({
        hart: sw[k].hart,
        from: sw[k].position,
        to: k + 1 < sw.length ? sw[k + 1].position : data.end,
        cause: sw[k].cause,
      });
    return out;
  }

  function fit() {
    v0 = 0;
    v1 = Math.max(1, data.end);
    fitted = true;
  }

  /** A round tick spacing that keeps labels LABEL_GAP pixels apart. */
  function tickSpacing() {
    const span = Math.max(1, v1 - v0);
    const most = Math.max(1, Math.floor((width() - LABEL - PAD) / LABEL_GAP));
    const raw = span / most;
    const step = Math.pow(10, Math.floor(Math.log10(raw)));
    // Positions are whole instructions: a tick under 1 would label two ticks with the same number.
    return Math.max(1, [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) || step * 10);
  }

  function draw() {
    const dpr = window.devicePixelRatio || 1;
    const harts = data ? data.harts : 0;
    const w = width(),
      h = height();
    canvas.width = Math.floor(w * dpr);
    canvas.height = Math.floor(h * dpr);
    canvas.dataset.lanes = String(harts);
    canvas.dataset.window = `${Math.round(v0)}-${Math.round(v1)}`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!data) return;
    const L = lane();
    const fg = css('--vscode-foreground', '#ccc');
    const dim = css('--vscode-descriptionForeground', '#888');
    const grid = css('--vscode-editorWidget-border', '#444');
    ctx.font = `11px ${css('--vscode-font-family', 'sans-serif')}`;
    ctx.textBaseline = 'middle';
    const bottom = laneY(harts);
    // Axis: round positions, never closer than LABEL_GAP pixels.
    const tick = tickSpacing();
    ctx.fillStyle = dim;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    /** The labels drawn, as boxes in CSS pixels: the canvas's model of its axis, for the e2e suite to read. */
    const axis = [];
    for (let p = Math.ceil(v0 / tick) * tick; p <= v1; p += tick) {
      const px = Math.round(x(p)) + 0.5;
      const text = fmt(p);
      const tw = ctx.measureText(text).width;
      ctx.beginPath();
      ctx.moveTo(px, AXIS - 4);
      ctx.lineTo(px, bottom);
      ctx.globalAlpha = 0.35;
      ctx.stroke();
      ctx.globalAlpha = 1;
      // A label that would run off the right edge is left out rather than cut.
      if (px + 3 + tw > w) continue;
      ctx.fillText(text, px + 3, 8);
      axis.push({ text, left: px + 3, right: px + 3 + tw });
    }
    canvas.dataset.axis = JSON.stringify(axis);
    for (let k = 0; k < harts; k++) {
      ctx.fillStyle = k === data.focus ? fg : dim;
      ctx.font = `${k === data.focus ? 'bold ' : ''}11px ${css('--vscode-font-family', 'sans-serif')}`;
      ctx.fillText(`hart ${k}`, 6, laneY(k) + L / 2);
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(LABEL, laneY(k) + L - 0.5);
      ctx.lineTo(w, laneY(k) + L - 0.5);
      ctx.stroke();
    }
    ctx.font = `11px ${css('--vscode-font-family', 'sans-serif')}`;
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL, 0, w - LABEL, h);
    ctx.clip();
    // Waiting for its turn: a thin line through every lane, under what follows.
    ctx.strokeStyle = dim;
    ctx.globalAlpha = 0.5;
    for (let k = 0; k < harts; k++) {
      const y = laneY(k) + L / 2 + 0.5;
      ctx.beginPath();
      ctx.moveTo(x(0), y);
      ctx.lineTo(x(data.end), y);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    // Asleep in wfi: a dashed band, drawn over the waiting line.
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 2;
    for (const s of data.wfi) {
      if (s.to < v0 || s.from > v1 || s.hart >= harts) continue;
      const y = laneY(s.hart) + L / 2;
      ctx.clearRect(Math.max(LABEL, x(s.from)), y - 2, Math.max(1, x(s.to) - x(s.from)), 4);
      ctx.strokeStyle = colors[s.hart % colors.length];
      ctx.beginPath();
      ctx.moveTo(x(s.from), y);
      ctx.lineTo(x(s.to), y);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 1;
    // Ran: a bar in the hart's colour.
    for (const r of runs()) {
      if (r.to < v0 || r.from > v1 || r.hart >= harts) continue;
      const a = Math.max(LABEL, x(r.from)),
        b = Math.max(a + 1, x(r.to));
      ctx.fillStyle = colors[r.hart % colors.length];
      ctx.globalAlpha = r.guessed ? 0.35 : 0.85;
      ctx.fillRect(a, laneY(r.hart) + L * 0.22, b - a, L * 0.56);
    }
    ctx.globalAlpha = 1;
    // CPU switches: a connector from the hart switched out to the hart switched in.
    let lastPx = -Infinity;
    for (let k = 1; k < data.switches.length; k++) {
      const s = data.switches[k],
        prev = data.switches[k - 1];
      if (s.position < v0 || s.position > v1) continue;
      const px = Math.round(x(s.position)) + 0.5;
      // Connectors closer than 4 px would hide the lanes: zoom in to see them.
      if (px - lastPx < 4) continue;
      lastPx = px;
      ctx.strokeStyle = colors[s.hart % colors.length];
      ctx.beginPath();
      ctx.moveTo(px, laneY(prev.hart) + L / 2);
      ctx.lineTo(px, laneY(s.hart) + L / 2);
      ctx.stroke();
    }
    // Interrupts: a triangle above the lane.
    ctx.fillStyle = css('--vscode-charts-orange', '#d18616');
    for (const i of data.interrupts) {
      if (i.position < v0 || i.position > v1 || i.hart >= harts) continue;
      const px = x(i.position),
        y = laneY(i.hart) + 1;
      ctx.beginPath();
      ctx.moveTo(px - 4, y);
      ctx.lineTo(px + 4, y);
      ctx.lineTo(px, y + 6);
      ctx.fill();
    }
    // Console input: a small diamond on the axis.
    ctx.fillStyle = css('--vscode-charts-yellow', '#cca700');
    for (const i of data.inputs) {
      if (i.position < v0 || i.position > v1) continue;
      const px = x(i.position),
        y = AXIS - 4;
      ctx.beginPath();
      ctx.moveTo(px, y - 3);
      ctx.lineTo(px + 3, y);
      ctx.lineTo(px, y + 3);
      ctx.lineTo(px - 3, y);
      ctx.fill();
    }
    // Breakpoint hits: a dot; data-breakpoint hits: a diamond, on the hart's lane.
    for (const s of data.stops) {
      if (s.position < v0 || s.position > v1 || s.hart >= harts) continue;
      const px = x(s.position),
        y = laneY(s.hart) + L / 2;
      ctx.fillStyle =
        s.reason === 'breakpoint'
          ? css('--vscode-debugIcon-breakpointForeground', '#e51400')
          : css('--vscode-charts-purple', '#b180d7');
      ctx.strokeStyle = css('--vscode-editor-background', '#1e1e1e');
      ctx.beginPath();
      if (s.reason === 'breakpoint') ctx.arc(px, y, 4.5, 0, Math.PI * 2);
      else {
        ctx.moveTo(px, y - 5.5);
        ctx.lineTo(px + 5.5, y);
        ctx.lineTo(px, y + 5.5);
        ctx.lineTo(px - 5.5, y);
        ctx.closePath();
      }
      ctx.fill();
      ctx.stroke();
    }
    // Bookmarks: a flag from the axis.
    ctx.fillStyle = css('--vscode-charts-blue', '#3794ff');
    ctx.strokeStyle = ctx.fillStyle;
    for (const b of data.bookmarks) {
      if (b.position < v0 || b.position > v1) continue;
      const px = Math.round(x(b.position)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, 2);
      ctx.lineTo(px, bottom);
      ctx.globalAlpha = 0.5;
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.beginPath();
      ctx.moveTo(px, 2);
      ctx.lineTo(px + 8, 5);
      ctx.lineTo(px, 8);
      ctx.fill();
    }
    // The cursor.
    const cx = Math.round(x(data.position)) + 0.5;
    ctx.strokeStyle = css('--vscode-focusBorder', '#0af');
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(cx, 0);
    ctx.lineTo(cx, bottom);
    ctx.stroke();
    ctx.restore();
  }

  /** What is under the mouse: position and hart, that hart's state, and any event within 5 px. */
  function describe(/** @type {number} */ px, /** @type {number} */ py) {
    const p = Math.max(0, Math.min(data.end, pos(px)));
    const hart = hartAt(py);
    const lines = [`position ${fmt(p)}`];
    if (hart >= 0 && hart < data.harts) {
      const run = runs().find((r) => r.from <= p && p < r.to);
      const asleep = data.wfi.find((/** @type {any} */ s) => s.hart === hart && s.from <= p && p < s.to);
      lines[0] += ` · hart ${hart} ${run && run.hart === hart ? 'running' : asleep ? 'asleep in wfi' : 'waiting for its turn'}`;
      // Where in the source that hart was, once the extension has answered.
      const key = `${Math.round(p)}/${hart}`;
      const src = sources.get(key);
      if (src) lines.push(`at ${src}`);
      else if (src === undefined) ask(key);
    }
    const near = (/** @type {number} */ q) => Math.abs(x(q) - px) <= 5;
    for (const s of data.stops)
      if (near(s.position) && s.hart === hart)
        lines.push(
          `${s.reason} at ${fmt(s.position)}${s.where ? ` (${s.where})` : ''}${s.description && s.reason !== 'breakpoint' ? `\n  ${s.description}` : ''}`,
        );
    for (const b of data.bookmarks) if (near(b.position)) lines.push(`bookmark "${b.name}" at ${fmt(b.position)}`);
    for (const i of data.interrupts)
      if (near(i.position) && i.hart === hart)
        lines.push(`interrupt on hart ${i.hart} at ${fmt(i.position)}${i.cause ? ` (${i.cause})` : ''}`);
    for (const i of data.inputs)
      if (near(i.position))
        lines.push(
          `console input at ${fmt(i.position)}${typeof i.byte === 'number' ? `: ${JSON.stringify(String.fromCharCode(i.byte))}` : ''}`,
        );
    const sw = data.switches
      .filter((/** @type {any} */ s) => near(s.position) && (s.hart === hart || s.from === hart))
      .slice(0, 3);
    for (const s of sw)
      lines.push(
        `switch ${s.from === undefined ? 'start' : `hart ${s.from}`} → hart ${s.hart} at ${fmt(s.position)}${s.cause ? ` (${s.cause})` : ''}`,
      );
    if (near(data.position)) lines.push(`cursor: hart ${data.focus} at ${fmt(data.position)}`);
    return lines.join('\n');
  }

  function render() {
    empty.hidden = !!data;
    box.hidden = !data;
    where.textContent = data
      ? `⏱ ${fmt(data.position)} / ${fmt(data.end)} · hart ${data.focus}${data.stopped ? '' : ' · running'}`
      : '';
    if (data && (!fitted || data.position < v0 || data.position > v1)) fit();
    draw();
  }

  window.addEventListener('message', (e) => {
    if (e.data.type === 'where') {
      if (e.data.epoch !== epoch) return;
      sources.set(`${Math.round(e.data.position)}/${e.data.hart}`, e.data.where || '');
      asking = undefined;
      if (wanted && !sources.has(wanted)) ask(wanted);
      // The tooltip under the mouse now says it.
      if (hovered && !tip.hidden && data) tip.textContent = describe(hovered.x, hovered.y);
      return;
    }
    if (e.data.type !== 'data') return;
    sources.clear();
    asking = undefined;
    epoch++;
    const was = data;
    data = e.data.data;
    colors = e.data.colors;
    if (!data || (was && data.end < was.end) || (was && was.end === 0)) fitted = false;
    render();
  });
  // The canvas follows the panel's size.
  new ResizeObserver(() => {
    if (data) draw();
  }).observe(box);

  let drag = /** @type {{ x: number, v0: number, v1: number, moved: boolean } | undefined} */ (undefined);
  canvas.addEventListener('mousedown', (e) => {
    drag = { x: e.clientX, v0, v1, moved: false };
  });
  window.addEventListener('mousemove', (e) => {
    if (drag) {
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 3) {
        drag.moved = true;
        canvas.classList.add('dragging');
      }
      if (drag.moved) {
        const d = (dx / Math.max(1, width() - LABEL - PAD)) * (drag.v1 - drag.v0);
        v0 = drag.v0 - d;
        v1 = drag.v1 - d;
        draw();
      }
    }
    if (data && e.target === canvas && e.offsetX > LABEL) {
      tip.hidden = false;
      hovered = { x: e.offsetX, y: e.offsetY };
      tip.textContent = describe(e.offsetX, e.offsetY);
      const right = e.clientX + 10 + tip.offsetWidth > window.innerWidth;
      tip.style.left = (right ? e.clientX - 10 - tip.offsetWidth : e.clientX + 10) + 'px';
      tip.style.top = Math.max(0, Math.min(e.clientY + 12, window.innerHeight - tip.offsetHeight)) + 'px';
    } else tip.hidden = true;
  });
  // A click travels (once per click: a double-click's second click only fits the view).
  window.addEventListener('mouseup', (e) => {
    if (drag && !drag.moved && data && e.target === canvas && e.offsetX > LABEL && e.detail === 1) {
      const hart = hartAt(e.offsetY);
      vscode.postMessage({
        type: 'goto',
        position: Math.max(0, Math.min(data.end, pos(e.offsetX))),
        hart: hart >= 0 && hart < data.harts ? hart : undefined,
      });
    }
    drag = undefined;
    canvas.classList.remove('dragging');
  });
  canvas.addEventListener('dblclick', () => {
    if (data) {
      fit();
      draw();
    }
  });
  canvas.addEventListener('mouseleave', () => {
    tip.hidden = true;
  });
  canvas.addEventListener(
    'wheel',
    (e) => {
      if (!data) return;
      e.preventDefault();
      const at = pos(e.offsetX);
      const k = Math.exp(e.deltaY * 0.002);
      const span = Math.max(8, (v1 - v0) * k);
      v0 = at - ((at - v0) / (v1 - v0)) * span;
      v1 = v0 + span;
      draw();
    },
    { passive: false },
  );
  vscode.postMessage({ type: 'ready' });
})();
