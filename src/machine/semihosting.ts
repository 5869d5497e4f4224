// RISC-V semihosting (the ARM semihosting calls behind `slli x0,x0,0x1f; ebreak; srai x0,x0,7`), as picolibc's
// libsemihost uses it. Console calls, clock and time answer from virtual time; input comes from the input door, and a
// console read with nothing queued blocks the hart until a byte comes through it.

import type { Hart } from '../riscv/hart';
import type { Memory } from './memory';

const SLLI_X0_1F = 0x01f01013;
const SRAI_X0_7 = 0x40705013;
const ADP_STOPPED_APPLICATION_EXIT = 0x20026;
/** Contents of the magic file ":semihosting-features": "SHFB" and a byte saying EXIT_EXTENDED and STDOUT_STDERR work. */
const FEATURES = [0x53, 0x48, 0x46, 0x42, 0x03];

/** An open semihosting handle: the console, or the features file with a read offset. */
type OpenFile = { kind: 'console'; input: boolean } | { kind: 'features'; offset: number };

/** The guest's open handles, numbered from 1 and reused lowest-first, as QEMU does. Part of machine state. */
export class SemihostFiles {
  files: (OpenFile | undefined)[] = [];

  open(f: OpenFile): number {
    let k = 1;
    while (this.files[k]) k++;
    this.files[k] = f;
    return k;
  }

  get(fd: number): OpenFile | undefined {
    return fd >= 1 && fd < this.files.length ? this.files[fd] : undefined;
  }

  close(fd: number): boolean {
    if (!this.get(fd)) return false;
    this.files[fd] = undefined;
    return true;
  }

  save(): string {
    return JSON.stringify(this.files);
  }

  restore(s: string): void {
    this.files = (JSON.parse(s) as (OpenFile | null)[]).map((f) => f ?? undefined);
  }
}

export interface SemihostHost {
  memory: Memory;
  files: SemihostFiles;
  write(bytes: Uint8Array): void;
  /** A byte from the input door, or -1 when none has arrived. */
  readByte(): number;
  /** Blocks the hart in a console read with nothing queued; the machine retries it with resumeRead when input comes. */
  wait(): void;
  /** Virtual nanoseconds since reset. */
  nowNs(): number;
  exit(code: number, how: string): void;
}

/** Returns true when the ebreak at h.pc is a semihosting call (and performs it); false for a plain ebreak. */
export function semihostCall(h: Hart, host: SemihostHost): boolean {
  const mem = host.memory;
  const before = mem.readBytes(h.pc - 4, 4),
    after = mem.readBytes(h.pc + 4, 4);
  if (!before || !after) return false;
  const word = (b: Uint8Array) => (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  if (word(before) !== SLLI_X0_1F || word(after) !== SRAI_X0_7) return false;
  perform(h, host);
  return true;
}

/**
 * Retries the console read a hart blocked in (its a0 and a1 still hold the call: the ebreak has retired, a0 is only
 * written when the read completes). Returns true when it completed, false when there is still nothing to read.
 */
export function resumeRead(h: Hart, host: SemihostHost): boolean {
  let waited = false;
  perform(h, { ...host, wait: () => (waited = true) });
  return !waited;
}

function perform(h: Hart, host: SemihostHost): void {
  const mem = host.memory;
  const op = Number(h.readX(10) & 0xffffffffn);
  const arg = Number(h.readX(11));
  const field = (k: number): number => {
    const b = mem.readBytes(arg + 8 * k, 8);
    return b ? Number(new DataView(b.buffer).getBigInt64(0, true)) : 0;
  };
  const ret = (v: number | bigint) => h.writeX(10, BigInt.asUintN(64, BigInt(v)));
  switch (op) {
    case 0x01: {
      // SYS_OPEN
      const name = Buffer.from(mem.readBytes(field(0), Math.max(0, Math.min(field(2), 4096))) ?? []).toString('latin1');
      const mode = field(1);
      if (name === ':tt') ret(host.files.open({ kind: 'console', input: mode < 4 }));
      else if (name === ':semihosting-features' && mode < 4) ret(host.files.open({ kind: 'features', offset: 0 }));
      else ret(-1); // the guest has no host file system: only the console and the features file exist
      break;
    }
    case 0x02:
      ret(host.files.close(field(0)) ? 0 : -1);
      break; // SYS_CLOSE
    // SYS_WRITEC and SYS_WRITE0 return nothing; a0 is clobbered with 0xdeadbeef, as QEMU does.
    case 0x03:
      host.write(mem.readBytes(arg, 1) ?? new Uint8Array(0));
      ret(0xdeadbeef);
      break; // SYS_WRITEC
    case 0x04:
      host.write(mem.readCString(arg, 1 << 20));
      ret(0xdeadbeef);
      break; // SYS_WRITE0
    case 0x05: {
      // SYS_WRITE: returns the number of bytes NOT written
      const f = host.files.get(field(0)),
        len = field(2);
      const bytes = mem.readBytes(field(1), Math.max(0, Math.min(len, 1 << 24)));
      if (!bytes || !f || f.kind !== 'console') {
        ret(f ? len : -1);
        break;
      }
      host.write(bytes);
      ret(0);
      break;
    }
    case 0x06: {
      // SYS_READ: returns the number of bytes NOT read
      const f = host.files.get(field(0)),
        buf = field(1),
        len = Math.max(0, field(2));
      if (!f) {
        ret(-1);
        break;
      }
      let got = 0;
      if (f.kind === 'features') {
        while (got < len && f.offset < FEATURES.length) mem.store(h, buf + got++, 1, FEATURES[f.offset++], 0);
      } else {
        while (got < len) {
          const b = host.readByte();
          // Nothing queued: block until the first byte arrives, as QEMU does; then take what is there.
          if (b < 0 && got === 0) return host.wait();
          if (b < 0) break;
          mem.store(h, buf + got, 1, b, 0);
          got++;
          if (b === 10) break; // line-buffered, like a terminal
        }
      }
      ret(len - got);
      break;
    }
    case 0x07: {
      // SYS_READC blocks until a byte arrives, as QEMU does.
      const b = host.readByte();
      if (b < 0) return host.wait();
      ret(b);
      break;
    }
    case 0x08:
      ret(field(0) < 0 ? 1 : 0);
      break; // SYS_ISERROR
    case 0x09:
      ret(host.files.get(field(0))?.kind === 'console' ? 1 : 0);
      break; // SYS_ISTTY
    case 0x0a: {
      // SYS_SEEK
      const f = host.files.get(field(0));
      if (f?.kind === 'features') {
        f.offset = Math.max(0, Math.min(field(1), FEATURES.length));
        ret(0);
      } else ret(-1);
      break;
    }
    case 0x0c: {
      const f = host.files.get(field(0));
      ret(f?.kind === 'features' ? FEATURES.length : -1);
      break;
    } // SYS_FLEN
    case 0x10:
      ret(Math.floor(host.nowNs() / 10_000_000));
      break; // SYS_CLOCK: centiseconds
    case 0x11:
      ret(Math.floor(host.nowNs() / 1_000_000_000));
      break; // SYS_TIME: virtual seconds since reset
    case 0x13:
      ret(0);
      break; // SYS_ERRNO
    case 0x15: {
      // SYS_GET_CMDLINE: empty command line
      const buf = field(0);
      mem.store(h, buf, 1, 0, 0);
      mem.store(h, arg + 8, 8, 0, 0);
      ret(0);
      break;
    }
    case 0x18:
    case 0x20: {
      // SYS_EXIT, SYS_EXIT_EXTENDED
      const reason = field(0),
        sub = field(1);
      if (reason === ADP_STOPPED_APPLICATION_EXIT) host.exit(sub & 0xff, `semihosting exit(${sub})`);
      else host.exit(1, `semihosting exit, reason 0x${reason.toString(16)}`);
      break;
    }
    case 0x30:
      ret(0);
      break; // SYS_ELAPSED
    case 0x31:
      ret(1_000_000_000);
      break; // SYS_TICKFREQ
    default:
      ret(-1);
  }
}
