// A minimal gdb client for the stub's tests: frames packets, checks the stub's acks and checksums, and awaits
// replies, over an in-memory wire (a GdbStub directly) or a loopback socket.

import { Decoder, encodePacket, unescapeBinary } from '../../../src/gdb/codec';
import { GdbStub } from '../../../src/gdb/stub';
import type { GdbTarget } from '../../../src/gdb/target';

export class GdbClient {
  private readonly decoder = new Decoder();
  private waiting: ((reply: string) => void)[] = [];
  private replies: string[] = [];
  /** '+' and '-' received, in order. */
  acks = '';
  /** O packets (console output) received, decoded. */
  output = '';
  closed = false;

  constructor(private readonly write: (bytes: Buffer) => void) {}

  /** Bytes from the stub. */
  receive(chunk: Uint8Array): void {
    for (const f of this.decoder.push(chunk)) {
      if (f.kind === 'ack') this.acks += '+';
      else if (f.kind === 'nak') this.acks += '-';
      else if (f.kind === 'bad-checksum') throw new Error(`the stub sent a bad checksum: ${f.data.toString('latin1')}`);
      else if (f.kind === 'packet') {
        const text = Buffer.from(unescapeBinary(f.data)!).toString('latin1');
        // Console output comes ahead of a stop reply; it is not the reply.
        if (/^O[0-9a-f]+$/.test(text) && text !== 'OK') {
          this.output += Buffer.from(text.slice(1), 'hex').toString('latin1');
          continue;
        }
        const w = this.waiting.shift();
        if (w) w(text);
        else this.replies.push(text);
      }
    }
  }

  /** Sends a packet and resolves with the stub's reply. */
  request(payload: string): Promise<string> {
    const p = new Promise<string>((resolve) => {
      const ready = this.replies.shift();
      if (ready !== undefined) resolve(ready);
      else this.waiting.push(resolve);
    });
    this.write(encodePacket(payload));
    return p;
  }

  /** Sends raw bytes (a corrupted packet, a Ctrl-C). */
  raw(bytes: string | Uint8Array): void {
    this.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
  }

  /** The next reply without sending anything (after raw()). */
  next(): Promise<string> {
    return new Promise((resolve) => {
      const ready = this.replies.shift();
      if (ready !== undefined) resolve(ready);
      else this.waiting.push(resolve);
    });
  }
}

/** A stub and a client joined in memory; bytes cross on the next microtask, so each side sees a stream. */
export function connect(target: GdbTarget, notes: string[] = []): { stub: GdbStub; client: GdbClient } {
  let stub!: GdbStub;
  const client = new GdbClient((b) => queueMicrotask(() => stub.receive(b)));
  stub = new GdbStub(target, {
    send: (b) => queueMicrotask(() => client.receive(b)),
    close: () => {
      client.closed = true;
    },
    note: (t) => notes.push(t),
  });
  return { stub, client };
}

/** Register `n` from a `p` reply or a slice of `g` (little-endian hex). */
export function registerValue(hex: string): bigint {
  return BigInt('0x' + (hex.match(/../g) ?? []).reverse().join(''));
}
