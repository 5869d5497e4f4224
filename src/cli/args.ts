// Command-line option parsing shared by the hartline subcommands; every mistake is a one-line HartlineError.

import { HartlineError } from '../errors';

export interface OptionSpec {
  /** Option names that take a value, e.g. "--harts". */
  values: readonly string[];
  /** Options that are plain flags. */
  flags?: readonly string[];
  /** Number of positional arguments required (and allowed). */
  positional: number;
  usage: string;
}

export interface Parsed {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): Parsed {
  const out: Parsed = { positional: [], values: new Map(), flags: new Set() };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg.startsWith('--') || (arg.startsWith('-') && arg.length > 1)) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (spec.flags?.includes(name)) {
        if (eq > 0) throw new HartlineError(`${name} takes no value\n${spec.usage}`);
        out.flags.add(name);
      } else if (spec.values.includes(name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++k];
        if (value === undefined) throw new HartlineError(`${name} needs a value\n${spec.usage}`);
        out.values.set(name, value);
      } else throw new HartlineError(`unknown option ${name}\n${spec.usage}`);
    } else out.positional.push(arg);
  }
  if (out.positional.length !== spec.positional) {
    throw new HartlineError(
      `expected ${spec.positional} argument${spec.positional === 1 ? '' : 's'}, got ${out.positional.length}\n${spec.usage}`,
    );
  }
  return out;
}

/** A positive integer option (accepts 0x hex and _ separators). */
export function intOption(p: Parsed, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = p.values.get(name);
  if (raw === undefined) return fallback;
  const text = raw.replace(/_/g, '');
  const v = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new HartlineError(`${name}: expected an integer from ${min} to ${max}, got '${raw}'`);
  return v;
}

/** A size option such as 128M, 1G, 65536 or 64K. */
export function sizeOption(p: Parsed, name: string, fallback: number): number {
  const raw = p.values.get(name);
  if (raw === undefined) return fallback;
  const m = /^([0-9]+)([KMG]i?B?)?$/i.exec(raw.trim());
  if (!m) throw new HartlineError(`${name}: expected a size like 128M or 1G, got '${raw}'`);
  const unit = (m[2] ?? '').toUpperCase()[0];
  const mult = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  return Number(m[1]) * mult;
}
