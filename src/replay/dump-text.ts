// The human-readable dump of a recording (documented in docs/recording-format.md, highlighted by the extension):
// the header, one line per event (position, hart, kind, details), then the trailer or why the file ends early.

import type { Checksum, Edit, LoggedEvent } from './format';
import { REGISTER } from './format';
import { readRecording } from './reader';

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');

function details(e: LoggedEvent): string {
  switch (e.kind) {
    case 'switch': return '';
    case 'wake': return '';
    case 'input': {
      const b = e.byte!;
      const shown = b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? `'${String.fromCharCode(b)}'` : b === 10 ? "'\\n'" : b === 13 ? "'\\r'" : '';
      return `${e.channel} 0x${b.toString(16).padStart(2, '0')}${shown ? ' ' + shown : ''}`;
    }
    case 'checksum': {
      const c = e.checksum as Checksum;
      return c.harts.map((v, k) => `h${k}=${hex(v)}`).join(' ') + ` mem=${hex(c.memory)} dev=${hex(c.devices)}`;
    }
    case 'edit': return editDetails(e.edit as Edit);
  }
}

/** `mem 0x80001a70 2a 00 00 00` (at most 16 bytes shown, then the count), or `reg x10 0x000000000000002a`. */
function editDetails(e: Edit): string {
  if (e.target === 'memory') {
    const shown = [...e.bytes.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return `mem 0x${e.address.toString(16)} ${shown}${e.bytes.length > 16 ? ` ... (${e.bytes.length} bytes)` : ''}`;
  }
  const r = e.register;
  const name = r < REGISTER.f ? `x${r}` : r < REGISTER.pc ? `f${r - REGISTER.f}` : r === REGISTER.pc ? 'pc' : `csr 0x${(r - REGISTER.csr).toString(16).padStart(3, '0')}`;
  return `reg ${name} 0x${BigInt.asUintN(64, e.value).toString(16).padStart(16, '0')}`;
}

/** One event line: position right-aligned in 14 columns, hart, kind in 8 columns, details. */
export function eventLine(e: LoggedEvent): string {
  const hart = e.hart === undefined ? '-' : `h${e.hart}`;
  return `${String(e.position).padStart(14)}  ${hart.padEnd(4)}${e.kind.padEnd(9)}${details(e)}`.trimEnd();
}

/** The whole dump as lines (without a final newline). Throws HartlineError when the file is not a recording. */
export function dumpRecording(bytes: Uint8Array, name: string): string[] {
  const events: string[] = [];
  const rec = readRecording(bytes, name, { onEvent: (e) => events.push(eventLine(e)) });
  const h = rec.header;
  const lines = [
    `hartline recording ${name}`,
    `format        ${rec.version}`,
    `size          ${rec.size} bytes`,
    `tool          ${h.tool}`,
    ...h.images.map((i) => `image         ${i.role} ${i.path} sha256=${i.sha256}`),
    `machine       harts=${h.machine.harts} ram=${h.machine.ramSize}`,
    `schedule      ${h.schedule.policy} quantum=${h.schedule.quantum}${h.schedule.seed !== undefined ? ` seed=${h.schedule.seed}` : ''}`,
    `checksums     every ${h.checksumInterval} positions`,
    `--- events    position hart kind details`,
    ...events,
    '--- end',
  ];
  if (rec.trailer) {
    const t = rec.trailer;
    lines.push(`end           ${t.reason} code=${t.exitCode} positions=${t.positions}${t.message ? ` message=${JSON.stringify(t.message)}` : ''}`);
  } else {
    const d = rec.damage;
    const why = d ? `${d.truncated ? 'truncated' : 'corrupt'} at byte ${d.offset}: ${d.message}` : 'no trailer';
    lines.push(`unfinished    positions=${rec.log.frontier} (${why})`);
  }
  return lines;
}
