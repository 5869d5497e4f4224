// Parser for QEMU's `-d cpu,fpu` log (7.2 riscv format): one register dump per translation block, which with
// -singlestep is the state before each instruction. Values stay 16-digit hex strings so that comparing is cheap.
import { readSync } from 'node:fs';

export interface QemuState {
  /** 16 lowercase hex digits. */
  pc: string;
  /** x0..x31 as 16 hex digits each. */
  x: string[];
  /** f0..f31, when the log has them (-d fpu). */
  f: string[] | undefined;
  /** Named CSRs the dump shows (mstatus, mepc, mcause, mtval, ...), and fflags/frm/fcsr when present. */
  csr: Map<string, string>;
}

const RECORD_START = ' V      =';
const FIELD = /([a-z][a-z0-9]*)(?:\/[a-z0-9]+)?\s+([0-9a-f]{16})\b/g;

/** Parses the text of one dump (from " V =" up to the next one). */
export function parseRecord(text: string): QemuState | undefined {
  const x = new Array<string>(32);
  const f = new Array<string>(32);
  let haveF = false;
  let pc: string | undefined;
  const csr = new Map<string, string>();
  FIELD.lastIndex = 0;
  for (let m = FIELD.exec(text); m; m = FIELD.exec(text)) {
    const name = m[1];
    const value = m[2];
    const c0 = name.charCodeAt(0);
    if ((c0 === 120 /* x */ || c0 === 102) /* f */ && name.length <= 3 && name.charCodeAt(1) <= 57) {
      const i = Number(name.slice(1));
      if (c0 === 120) x[i] = value;
      else {
        f[i] = value;
        haveF = true;
      }
    } else if (name === 'pc') {
      pc = value;
    } else {
      csr.set(name, value);
    }
  }
  if (pc === undefined) return undefined;
  for (let i = 0; i < 32; i++) if (x[i] === undefined) throw new Error(`QEMU log record at pc ${pc} lacks x${i}`);
  return { pc, x, f: haveF ? f : undefined, csr };
}

/** Splits a stream of log text into records; feed it chunks, get back the records completed so far. */
export class QemuLogParser {
  private pending = '';

  push(chunk: string): QemuState[] {
    this.pending += chunk;
    const out: QemuState[] = [];
    let start = this.pending.indexOf(RECORD_START);
    if (start < 0) return out;
    for (;;) {
      const next = this.pending.indexOf(RECORD_START, start + RECORD_START.length);
      if (next < 0) break;
      const rec = parseRecord(this.pending.slice(start, next));
      if (rec) out.push(rec);
      start = next;
    }
    this.pending = this.pending.slice(start);
    return out;
  }

  /** The last record, once the log has ended. */
  end(): QemuState[] {
    const rec = this.pending.includes(' pc ') ? parseRecord(this.pending) : undefined;
    this.pending = '';
    return rec ? [rec] : [];
  }
}

/**
 * Reads records from a file descriptor (a FIFO QEMU writes to) synchronously, one at a time, so that the
 * log is never stored: QEMU blocks while we compare.
 */
export function* readQemuLog(fd: number, chunkSize = 1 << 20): Generator<QemuState> {
  const parser = new QemuLogParser();
  const buf = Buffer.alloc(chunkSize);
  for (;;) {
    const n = readSync(fd, buf, 0, chunkSize, null);
    if (n === 0) break;
    yield* parser.push(buf.toString('latin1', 0, n));
  }
  yield* parser.end();
}
