// Hart Timeline webview script: draws one lane per hart on a canvas in the theme's colours, and posts `goto` when the
// user clicks. No framework; the extension posts `data` after every stop (see src/extension/timelineView.ts).
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const canvas = /** @type {HTMLCanvasElement} */ (document.getElementById('lanes'));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const where = /** @type {HTMLElement} */ (document.getElementById('where'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
  const tip = /** @type {HTMLElement} */ (document.getElementById('tip'));
  const LABEL = 52, AXIS = 16, LANE = 18, PAD = 4;

  /** @type {any} */ let data;
  /** @type {string[]} */ let colors = [];
  let v0 = 0, v1 = 1; // the visible window, in positions
  let fitted = false;

  const fmt = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US');
  const css = (/** @type {string} */ name, /** @type {string} */ fallback) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
  const width = () => canvas.clientWidth;
  const x = (/** @type {number} */ p) => LABEL + ((p - v0) / Math.max(1, v1 - v0)) * (width() - LABEL - PAD);
  const pos = (/** @type {number} */ px) => v0 + ((px - LABEL) / Math.max(1, width() - LABEL - PAD)) * (v1 - v0);

  /** Intervals during which each hart ran, from the switches (each names the hart that starts). */
  function runs() {
    const out = [];
    const sw = data.switches;
    if (sw.length === 0) return [{ hart: data.focus, from: 0, to: data.end }];
    if (sw[0].position > 0) out.push({ hart: 0, from: 0, to: sw[0].position, guessed: true });
    for (let k = 0; k < sw.length; k++) out.push({ hart: sw[k].hart, from: sw[k].position, to: k + 1 < sw.length ? sw[k + 1].position : data.end });
    return out;
  }

  function fit() {
    v0 = 0;
    v1 = Math.max(1, data.end);
    fitted = true;
  }

  function draw() {
    const dpr = window.devicePixelRatio || 1;
    const harts = data ? data.harts : 0;
    const h = AXIS + harts * LANE + PAD;
    canvas.style.height = h + 'px';
    canvas.width = Math.floor(width() * dpr);
    canvas.height = Math.floor(h * dpr);
    canvas.dataset.lanes = String(harts);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width(), h);
    if (!data) return;
    const fg = css('--vscode-foreground', '#ccc');
    const dim = css('--vscode-descriptionForeground', '#888');
    const grid = css('--vscode-editorWidget-border', '#444');
    ctx.font = `11px ${css('--vscode-font-family', 'sans-serif')}`;
    ctx.textBaseline = 'middle';
    // Axis: a few round positions.
    const span = Math.max(1, v1 - v0);
    const step = Math.pow(10, Math.floor(Math.log10(span / 4)));
    const tick = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) || step * 10;
    ctx.fillStyle = dim; ctx.strokeStyle = grid; ctx.lineWidth = 1;
    for (let p = Math.ceil(v0 / tick) * tick; p <= v1; p += tick) {
      const px = Math.round(x(p)) + 0.5;
      ctx.beginPath(); ctx.moveTo(px, AXIS - 4); ctx.lineTo(px, h); ctx.globalAlpha = 0.35; ctx.stroke(); ctx.globalAlpha = 1;
      ctx.fillText(fmt(p), px + 2, 6);
    }
    const laneY = (/** @type {number} */ k) => AXIS + k * LANE;
    for (let k = 0; k < harts; k++) {
      ctx.fillStyle = k === data.focus ? fg : dim;
      ctx.fillText(`hart ${k}`, 4, laneY(k) + LANE / 2);
      ctx.strokeStyle = grid; ctx.beginPath(); ctx.moveTo(LABEL, laneY(k) + LANE - 0.5); ctx.lineTo(width(), laneY(k) + LANE - 0.5); ctx.stroke();
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL, 0, width() - LABEL, h); ctx.clip();
    // Ran: a bar in the hart's colour.
    for (const r of runs()) {
      if (r.to < v0 || r.from > v1 || r.hart >= harts) continue;
      const a = Math.max(LABEL, x(r.from)), b = Math.max(a + 1, x(r.to));
      ctx.fillStyle = colors[r.hart % colors.length];
      ctx.globalAlpha = r.guessed ? 0.35 : 0.85;
      ctx.fillRect(a, laneY(r.hart) + 4, b - a, LANE - 8);
    }
    ctx.globalAlpha = 1;
    // Slept in wfi: a dashed line through the lane.
    ctx.setLineDash([3, 3]); ctx.strokeStyle = dim;
    for (const w of data.wfi) {
      if (w.to < v0 || w.from > v1) continue;
      const y = laneY(w.hart) + LANE / 2;
      ctx.beginPath(); ctx.moveTo(x(w.from), y); ctx.lineTo(x(w.to), y); ctx.stroke();
    }
    ctx.setLineDash([]);
    // CPU switches: a connector from the hart switched out to the hart switched in.
    ctx.lineWidth = 1;
    let lastPx = -Infinity;
    for (let k = 1; k < data.switches.length; k++) {
      const s = data.switches[k], prev = data.switches[k - 1];
      if (s.position < v0 || s.position > v1) continue;
      const px = Math.round(x(s.position)) + 0.5;
      // Connectors closer than 4 px would hide the lanes: zoom in to see them.
      if (px - lastPx < 4) continue;
      lastPx = px;
      ctx.strokeStyle = colors[s.hart % colors.length];
      ctx.beginPath(); ctx.moveTo(px, laneY(prev.hart) + LANE / 2); ctx.lineTo(px, laneY(s.hart) + LANE / 2); ctx.stroke();
    }
    // Interrupts: a small triangle above the lane.
    ctx.fillStyle = css('--vscode-charts-orange', '#d18616');
    for (const i of data.interrupts) {
      if (i.position < v0 || i.position > v1) continue;
      const px = x(i.position), y = laneY(i.hart) + 2;
      ctx.beginPath(); ctx.moveTo(px - 3, y); ctx.lineTo(px + 3, y); ctx.lineTo(px, y + 5); ctx.fill();
    }
    // Console input: a diamond on the axis.
    ctx.fillStyle = css('--vscode-charts-yellow', '#cca700');
    for (const i of data.inputs) {
      if (i.position < v0 || i.position > v1) continue;
      const px = x(i.position), y = AXIS - 4;
      ctx.beginPath(); ctx.moveTo(px, y - 3); ctx.lineTo(px + 3, y); ctx.lineTo(px, y + 3); ctx.lineTo(px - 3, y); ctx.fill();
    }
    // Breakpoint hits: a dot on the hart's lane.
    ctx.fillStyle = css('--vscode-debugIcon-breakpointForeground', '#e51400');
    for (const s of data.stops) {
      if (s.position < v0 || s.position > v1) continue;
      ctx.beginPath(); ctx.arc(x(s.position), laneY(s.hart) + LANE / 2, 3.5, 0, Math.PI * 2); ctx.fill();
    }
    // The cursor.
    const cx = Math.round(x(data.position)) + 0.5;
    ctx.strokeStyle = css('--vscode-debugIcon-stepBackForeground', css('--vscode-focusBorder', '#0af'));
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(cx, 0); ctx.lineTo(cx, h); ctx.stroke();
    ctx.restore();
  }

  function render() {
    empty.hidden = !!data;
    canvas.hidden = !data;
    where.textContent = data ? `⏱ ${fmt(data.position)} / ${fmt(data.end)} · hart ${data.focus}` : '';
    if (data && (!fitted || data.position < v0 || data.position > v1)) fit();
    draw();
  }

  window.addEventListener('message', (e) => {
    if (e.data.type !== 'data') return;
    const was = data;
    data = e.data.data;
    colors = e.data.colors;
    if (!data || (was && data.end < was.end)) fitted = false;
    render();
  });
  window.addEventListener('resize', () => draw());

  let drag = /** @type {{ x: number, v0: number, v1: number, moved: boolean } | undefined} */ (undefined);
  canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, v0, v1, moved: false }; });
  window.addEventListener('mousemove', (e) => {
    if (drag) {
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 3) { drag.moved = true; canvas.classList.add('dragging'); }
      if (drag.moved) {
        const d = (dx / Math.max(1, width() - LABEL - PAD)) * (drag.v1 - drag.v0);
        v0 = drag.v0 - d; v1 = drag.v1 - d; draw();
      }
    }
    if (data && e.target === canvas && e.offsetX > LABEL) {
      tip.hidden = false;
      tip.textContent = `position ${fmt(Math.max(0, pos(e.offsetX)))}`;
      tip.style.left = e.clientX + 10 + 'px'; tip.style.top = e.clientY + 12 + 'px';
    } else tip.hidden = true;
  });
  window.addEventListener('mouseup', (e) => {
    if (drag && !drag.moved && data && e.target === canvas && e.offsetX > LABEL) {
      vscode.postMessage({ type: 'goto', position: Math.max(0, Math.min(data.end, pos(e.offsetX))) });
    }
    drag = undefined; canvas.classList.remove('dragging');
  });
  canvas.addEventListener('dblclick', () => { if (data) { fit(); draw(); } });
  canvas.addEventListener('wheel', (e) => {
    if (!data) return;
    e.preventDefault();
    const at = pos(e.offsetX);
    const k = Math.exp(e.deltaY * 0.002);
    const span = Math.max(8, (v1 - v0) * k);
    v0 = at - ((at - v0) / (v1 - v0)) * span; v1 = v0 + span; draw();
  }, { passive: false });
  vscode.postMessage({ type: 'ready' });
})();
