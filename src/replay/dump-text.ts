// The human-readable dump of a recording (documented in docs/recording-format.md, highlighted by the extension):
// the header, one line per event (position, hart, kind, details), then the trailer or why the file ends early.

import type { Checksum, Edit, LoggedEvent } from './format';
import { REGISTER } from './format';
import { readRecording } from './reader';

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

function details(e: LoggedEvent): string {
  switch (e.kind) {
    case 'switch':
      return '';
    case 'wake':
      return '';
    case 'input': {
      const b = e.byte!;
      const shown =
        b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c
          ? `'${String.fromCharCode(b)}'`
          : b === 10
            ? "'\\n'"
            : b === 13
              ? "'\\r'"
              : '';
      return `${e.channel} 0x${b.toString(16).padStart(2, '0')}${shown ? ' ' + shown : ''}`;
    }
    case 'checksum': {
      const c = e.checksum as Checksum;
      return c.harts.map((v, k) => `h${k}=${hex(v)}`).join(' ') + ` mem=${hex(c.memory)} dev=${hex(c.devices)}`;
    }
    case 'edit':
      return editDetails(e.edit as Edit);
  }
}

/** `mem 0x80001a70 2a 00 00 00` (at most 16 bytes shown, then the count), or `reg x10 0x000000000000002a`. */
function editDetails(e: Edit): string {
  if (e.target === 'memory') {
    const shown = [...e.bytes.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return `mem 0x${e.address.toString(16)} ${shown}${e.bytes.length > 16 ? ` ... (${e.bytes.length} bytes)` : ''}`;
  }
  const r = e.register;
  const name =
    r < REGISTER.f
      ? `x${r}`
      : r < REGISTER.pc
        ? `f${r - REGISTER.f}`
        : r === REGISTER.pc
          ? 'pc'
          : `csr 0x${(r - REGISTER.csr).toString(16).padStart(3, '0')}`;
  return `reg ${name} 0x${BigInt.asUintN(64, e.value).toString(16).padStart(16, '0')}`;
}

/** One event line: position right-aligned in 14 columns, hart, kind in 8 columns, details. */
export function eventLine(e: LoggedEvent): string {
  const hart = e.hart === undefined ? '-' : `h${e.hart}`;
  return `${String(e.position).padStart(14)}  ${hart.padEnd(4)}${e.kind.padEnd(9)}${details(e)}`.trimEnd();
}

/**
 * The whole dump as lines (without a final newline); with `summary`, a count per event kind and per hart stands in
 * for the event lines, for recordings (a Linux boot) whose events run to millions. Throws HartlineError when the file
 * is not a recording.
 */
export function dumpRecording(bytes: Uint8Array, name: string, opts: { summary?: boolean } = {}): string[] {
  const events: string[] = [];
  const kinds = new Map<string, number>();
  const harts = new Map<number, { slices: number; positions: number; inputs: number; wakes: number; edits: number }>();
  const hartOf = (h: number) => {
    let s = harts.get(h);
    if (!s) harts.set(h, (s = { slices: 0, positions: 0, inputs: 0, wakes: 0, edits: 0 }));
    return s;
  };
  let running = -1,
    since = 0;
  const onEvent = (e: LoggedEvent) => {
    if (!opts.summary) {
      events.push(eventLine(e));
      return;
    }
    kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    if (e.kind === 'switch' && e.hart !== undefined) {
      if (running >= 0) hartOf(running).positions += e.position - since;
      running = e.hart;
      since = e.position;
      hartOf(e.hart).slices++;
    } else if ((e.hart ?? running) >= 0) {
      // Inputs carry no hart: they belong to the one running when the guest took the byte.
      const s = hartOf(e.hart ?? running);
      if (e.kind === 'input') s.inputs++;
      else if (e.kind === 'wake') s.wakes++;
      else if (e.kind === 'edit') s.edits++;
    }
  };
  const rec = readRecording(bytes, name, { onEvent });
  const h = rec.header;
  const lines = [
    `hartline recording ${name}`,
    `format        ${rec.version}`,
    `size          ${rec.size} bytes`,
    `tool          ${h.tool}`,
    ...h.images.map((i) => `image         ${i.role} ${i.path} sha256=${i.sha256}`),
    `machine       harts=${h.machine.harts} ram=${h.machine.ramSize}`,
    `schedule      ${h.schedule.policy} quantum=${h.schedule.quantum}${h.schedule.seed !== undefined ? ` seed=${h.schedule.seed}` : ''}`,
    h.checksumSpacing === 'cost'
      ? `checksums     by cost, at least ${h.checksumInterval} positions apart`
      : `checksums     every ${h.checksumInterval} positions`,
    ...(opts.summary
      ? summaryLines(kinds, harts, running, since, rec.trailer?.positions ?? rec.log.frontier)
      : [`--- events    position hart kind details`, ...events]),
    '--- end',
  ];
  if (rec.trailer) {
    const t = rec.trailer;
    lines.push(
      `end           ${t.reason} code=${t.exitCode} positions=${t.positions}${t.message ? ` message=${JSON.stringify(t.message)}` : ''}`,
    );
  } else {
    const d = rec.damage;
    const why = d ? `${d.truncated ? 'truncated' : 'corrupt'} at byte ${d.offset}: ${d.message}` : 'no trailer';
    lines.push(`unfinished    positions=${rec.log.frontier} (${why})`);
  }
  return lines;
}

/** `--- summary`: events per kind, then per hart its slices (switches to it), the positions it ran, and its inputs. */
function summaryLines(
  kinds: Map<string, number>,
  harts: Map<number, { slices: number; positions: number; inputs: number; wakes: number; edits: number }>,
  running: number,
  since: number,
  end: number,
): string[] {
  if (running >= 0) harts.get(running)!.positions += end - since;
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const lines = ['--- summary   events per kind', `events        ${total}`];
  for (const kind of ['switch', 'input', 'wake', 'checksum', 'edit'])
    lines.push(`kind          ${kind.padEnd(9)}${kinds.get(kind) ?? 0}`);
  lines.push('--- summary   per hart: slices positions inputs wakes edits');
  for (const [h, s] of [...harts].sort((a, b) => a[0] - b[0])) {
    const share = end > 0 ? ` (${((100 * s.positions) / end).toFixed(1)}%)` : '';
    lines.push(
      `hart          h${h} slices=${s.slices} positions=${s.positions}${share} inputs=${s.inputs} wakes=${s.wakes} edits=${s.edits}`,
    );
  }
  return lines;
}
