// The `monitor` commands (qRcmd): where the machine is in the recording, and travel by position, as rr's `when`
// and `seek` and QEMU's `info` commands do. Each returns the text gdb prints.

import type { GdbTarget, GdbStop } from './target';

export const MONITOR_HELP = [
  'monitor position          the position (instructions retired by all harts) and the end of the recording',
  "monitor when              the position, the running hart and every hart's retired count",
  'monitor goto POSITION     travel to POSITION (then run "maintenance flush register-cache" so gdb rereads)',
  'monitor checkpoints       the snapshots reverse execution restores from',
  'monitor help              this list',
].join('\n');

export interface MonitorResult {
  text: string;
  /** The machine moved: the stub's idea of the current thread follows, and gdb's caches are stale. */
  moved?: GdbStop;
}

/** Runs one monitor command line; an unknown command gets a line saying so and the list. */
export function monitor(t: GdbTarget, line: string): MonitorResult {
  const [cmd, ...args] = line.trim().split(/\s+/);
  switch (cmd) {
    case 'position':
      return {
        text: `position ${t.position} of ${t.end}${t.live ? ' (live recording: going past it records)' : ''}\n`,
      };
    case 'when': {
      const m = t.machine,
        running = t.session.log.hartAt(t.position);
      const harts = m.harts.map((h) => `hart ${h.id}: ${h.retired} retired`).join(', ');
      return { text: `position ${t.position}; hart ${running < 0 ? 0 : running} runs next; ${harts}\n` };
    }
    case 'goto': {
      const raw = (args[0] ?? '').replace(/_/g, '');
      const p = /^0x[0-9a-f]+$/i.test(raw) ? parseInt(raw, 16) : /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
      if (args.length !== 1 || !Number.isSafeInteger(p))
        return { text: `goto needs a position (a number from 0 to ${t.end})\n` };
      const moved = t.seek(p);
      const note = p > t.position ? ` (the recording ends at ${t.end})` : '';
      return {
        text: `at position ${t.position}${note}; run "maintenance flush register-cache" so gdb rereads registers and memory\n`,
        moved,
      };
    }
    case 'checkpoints': {
      const list = t.history.store.list.map((s) => `${s.kind} snapshot at position ${s.position}`);
      return {
        text: `${list.length} snapshot${list.length === 1 ? '' : 's'} (${(t.history.store.bytes / 1048576).toFixed(1)} MiB)\n${list.join('\n')}\n`,
      };
    }
    case 'help':
    case '':
      return { text: MONITOR_HELP + '\n' };
    default:
      return { text: `unknown monitor command '${cmd}'\n${MONITOR_HELP}\n` };
  }
}
