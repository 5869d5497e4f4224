// The one typed source of the `hartline` debug type's launch attributes. parseLaunch (launch.ts) validates a launch
// request against it, scripts/contributions.mjs writes package.json's configurationAttributes and docs/options.md from
// it, and the extension fills attributes from its settings through it. No vscode import, so the adapter, the
// generator and the tests all load it. Adding an attribute is one entry in TABLE (and its use in launch.ts).

export type Mode = 'record' | 'replay';

/** Value kinds: 'array' is an array of strings, 'object' maps strings to strings, 'size' is bytes or "128M". */
export type AttributeType = 'string' | 'integer' | 'boolean' | 'array' | 'object' | 'size';

export interface LaunchAttribute {
  name: string;
  type: AttributeType;
  description: string;
  /** The modes this attribute means something in. */
  modes: readonly Mode[];
  /** What the adapter uses when a configuration leaves the attribute out (shown in the schema and docs/options.md). */
  default?: string | number | boolean | readonly string[];
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** The hartline.* setting whose value the extension fills in when a configuration leaves this attribute out. */
  setting?: string;
  /** A placeholder shown in snippets and initial configurations. */
  example?: string | number | boolean;
}

const TABLE = [
  {
    name: 'mode',
    type: 'string',
    modes: ['record', 'replay'],
    enum: ['record', 'replay'],
    default: 'record',
    enumDescriptions: [
      'Run the program and record it; you can go back at any time.',
      'Replay a .hartrec recording, forwards and backwards.',
    ],
    description:
      'Record a new run of `program`, or replay `recording`. Without `mode`, a configuration with `recording` and no `program` replays.',
  },
  {
    name: 'program',
    type: 'string',
    modes: ['record', 'replay'],
    example: '${workspaceFolder}/racy_counter.elf',
    description:
      'The RISC-V ELF file to run (record, required), or to read symbols from when the path stored in the recording has moved (replay; its SHA-256 must match).',
  },
  {
    name: 'recording',
    type: 'string',
    modes: ['record', 'replay'],
    example: '${workspaceFolder}/racy_counter.hartrec',
    description:
      'Record: where to write the .hartrec file (default: `program` with `.elf` replaced by `.hartrec`). Replay: the .hartrec file to replay (required); `${command:hartline.pickRecording}` asks for one.',
  },
  {
    name: 'harts',
    type: 'integer',
    modes: ['record'],
    minimum: 1,
    maximum: 64,
    default: 1,
    setting: 'hartline.defaultHarts',
    example: 4,
    description: 'Number of harts (vCPUs). Each one is a thread in the Call Stack.',
  },
  {
    name: 'schedule',
    type: 'string',
    modes: ['record'],
    enum: ['roundrobin', 'chaos'],
    default: 'roundrobin',
    enumDescriptions: [
      'Harts take turns, `quantum` instructions each.',
      'A seeded generator picks the next hart and a slice of up to twice `quantum`, to shake out races.',
    ],
    description:
      'How the recorder chooses which hart runs next. The recording keeps every choice, so a replay never depends on it.',
  },
  {
    name: 'quantum',
    type: 'integer',
    modes: ['record'],
    minimum: 1,
    maximum: 1073741824,
    default: 10000,
    setting: 'hartline.quantum',
    description: 'Instructions per scheduling slice.',
  },
  {
    name: 'seed',
    type: 'integer',
    modes: ['record'],
    minimum: 0,
    maximum: 4294967295,
    default: 1,
    description: 'Seed of the chaos schedule: the same seed gives the same interleaving.',
  },
  {
    name: 'ram',
    type: 'size',
    modes: ['record'],
    default: '128M',
    description: 'Guest RAM at 0x80000000, as a size such as `64M` or a number of bytes.',
  },
  {
    name: 'bios',
    type: 'string',
    modes: ['record'],
    example: '${workspaceFolder}/fw_dynamic.elf',
    description:
      "Firmware ELF run in M-mode before `program` (QEMU's `-bios`), such as OpenSBI's fw_dynamic; `program` is then its S-mode payload. The recording names both images, and a replay needs both.",
  },
  {
    name: 'payload',
    type: 'string',
    modes: ['record', 'replay'],
    example: '${workspaceFolder}/arch/riscv/boot/Image',
    description:
      "The image to boot when it is not `program` itself, as QEMU's `-kernel` takes it: a RISC-V Linux `Image`, an ELF, or a flat binary. `program` (such as `vmlinux`) then only gives the symbols. In a replay, the recorded payload when it has moved.",
  },
  {
    name: 'initrd',
    type: 'string',
    modes: ['record'],
    example: '${workspaceFolder}/initramfs.cpio',
    description:
      "Initial ramdisk, placed as QEMU 7.2's `-initrd` places it and named in the device tree's /chosen node.",
  },
  {
    name: 'dtb',
    type: 'string',
    modes: ['record'],
    example: '${workspaceFolder}/board.dtb',
    description:
      "A compiled device tree to boot instead of the generated one (QEMU's `-dtb`); its /chosen node is completed with bootargs and initrd.",
  },
  {
    name: 'bootargs',
    type: 'string',
    modes: ['record'],
    description: "Kernel command line placed in the device tree's /chosen node and kept in the recording.",
  },
  {
    name: 'args',
    type: 'array',
    modes: ['record'],
    description: 'The kernel command line as words, joined with spaces; `bootargs` wins when both are set.',
  },
  {
    name: 'snapshotBudget',
    type: 'integer',
    modes: ['record', 'replay'],
    minimum: 16,
    maximum: 16384,
    default: 256,
    setting: 'hartline.snapshotBudget',
    description:
      'Memory, in MiB, for the snapshots behind reverse execution; older snapshots are thinned to stay within it.',
  },
  {
    name: 'stopOnEntry',
    type: 'boolean',
    modes: ['record', 'replay'],
    description:
      'Stop at position 0 before the first instruction. Defaults to false when recording and true when replaying.',
  },
  {
    name: 'startAt',
    type: 'string',
    modes: ['replay'],
    enum: ['start', 'end'],
    default: 'start',
    enumDescriptions: ['Stop at the start of the recording.', 'Stop at its end, ready to go backwards.'],
    description: 'Where a replay stops first.',
  },
  {
    name: 'sourceMap',
    type: 'object',
    modes: ['record', 'replay'],
    example: '{ "/build/dir": "${workspaceFolder}" }',
    description:
      "Maps source folders named in the ELF's debug information to folders here, for programs built on another machine or path (applied by the extension).",
  },
  {
    name: 'overwrite',
    type: 'boolean',
    modes: ['record'],
    default: false,
    description:
      'Replace the `recording` file when it exists. By default a new recording never replaces an old one: it is written to the next free `name-N.hartrec` beside it.',
  },
  {
    name: 'cwd',
    type: 'string',
    modes: ['record', 'replay'],
    default: '${workspaceFolder}',
    description: "Folder that relative paths are resolved against (the adapter's working folder when absent).",
  },
] as const satisfies readonly LaunchAttribute[];

export const LAUNCH_ATTRIBUTES: readonly LaunchAttribute[] = TABLE;

type ValueOf<T extends AttributeType> = T extends 'string'
  ? string
  : T extends 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'array'
        ? string[]
        : T extends 'object'
          ? Record<string, string>
          : number | string;

/** A launch request's attributes, typed from TABLE (an enum attribute is the union of its values). */
export type LaunchArguments = {
  [A in (typeof TABLE)[number] as A['name']]?: A extends { enum: readonly (infer E)[] } ? E : ValueOf<A['type']>;
};

/**
 * Keys VS Code (or another DAP client) puts in or reads from any launch configuration: accepted and ignored.
 * Keys starting with `__` are VS Code's own bookkeeping (`__sessionId`, `__restart`, ...).
 */
export const CLIENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'type',
  'request',
  'name',
  'debugServer',
  'preLaunchTask',
  'postDebugTask',
  'internalConsoleOptions',
  'presentation',
  'suppressMultipleSessionWarning',
  'suppressDebugStatusbar',
  'suppressDebugToolbar',
  'suppressDebugView',
  'noDebug',
  'windows',
  'linux',
  'osx',
  'serverReadyAction',
]);

/** Where a recording of `program` goes when the configuration names none: next to it, `.elf` replaced by `.hartrec`. */
export function defaultRecordingPath(program: string): string {
  return program.replace(/\.elf$/, '') + '.hartrec';
}
