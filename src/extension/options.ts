// The one typed source of Hartline's launch attributes and settings: package.json's launch schema and settings, and
// docs/options.md, are all generated from it by scripts/contributions.mjs. No vscode import, so the generator can load it.

export type Mode = 'record' | 'replay';

/** One launch attribute of the `hartline` debug type. */
export interface LaunchOption {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  description: string;
  /** The modes this attribute means something in. */
  modes: readonly Mode[];
  default?: string | number | boolean | string[];
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** The hartline.* setting whose value fills this attribute when a configuration leaves it out. */
  setting?: string;
  /** A placeholder string shown in snippets and initial configurations. */
  example?: string | number | boolean;
}

/** One hartline.* setting. */
export interface SettingOption {
  key: string;
  type: 'integer' | 'boolean' | 'string';
  description: string;
  default: number | boolean | string;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
}

export const SETTINGS: readonly SettingOption[] = [
  { key: 'hartline.defaultHarts', type: 'integer', default: 4, minimum: 1, maximum: 64,
    description: 'Harts (vCPUs) of a recording whose launch configuration sets no `harts`.' },
  { key: 'hartline.quantum', type: 'integer', default: 10000, minimum: 1, maximum: 1073741824,
    description: 'Instructions a hart runs before the schedule may switch to another, when a configuration sets no `quantum`. Chaos slices last up to twice this.' },
  { key: 'hartline.snapshotBudget', type: 'integer', default: 256, minimum: 16, maximum: 16384,
    description: 'Memory, in MiB, that the snapshots behind reverse execution may use. Older snapshots are thinned to stay within it.' },
  { key: 'hartline.markers.enabled', type: 'boolean', default: true,
    description: 'Show CPU-switch markers in the gutter and the overview ruler of source editors.' },
  { key: 'hartline.markers.range', type: 'integer', default: 8, minimum: 1, maximum: 200,
    description: 'Marker density: how many CPU switches on each side of the cursor\'s position are marked in the editors.' },
  { key: 'hartline.markers.otherHarts', type: 'boolean', default: true,
    description: 'While stopped, shade the current line of every other hart in its colour, labelled `hart N`.' },
  { key: 'hartline.adapter', type: 'string', default: 'inline', enum: ['inline', 'process'],
    enumDescriptions: ['Run the debug adapter inside the extension host (fastest).', 'Run the debug adapter as a separate Node.js process (dist/debugAdapter.js).'],
    description: 'Where the debug adapter runs. A launch configuration\'s `debugServer` port overrides both.' },
];

export const LAUNCH_OPTIONS: readonly LaunchOption[] = [
  { name: 'mode', type: 'string', modes: ['record', 'replay'], enum: ['record', 'replay'], default: 'record',
    enumDescriptions: ['Run the program and record it; you can go back at any time.', 'Replay a .hartrec recording, forwards and backwards.'],
    description: 'Record a new run of `program`, or replay `recording`.' },
  { name: 'program', type: 'string', modes: ['record', 'replay'], example: '${workspaceFolder}/racy_counter.elf',
    description: 'The RISC-V ELF file to run (record), or to read symbols from when the path stored in the recording has moved (replay).' },
  { name: 'recording', type: 'string', modes: ['record', 'replay'], example: '${workspaceFolder}/racy_counter.hartrec',
    description: 'Record: where to write the .hartrec file (default: next to `program`). Replay: the .hartrec file to replay; `${command:hartline.pickRecording}` asks for one.' },
  { name: 'harts', type: 'integer', modes: ['record'], minimum: 1, maximum: 64, setting: 'hartline.defaultHarts', example: 4,
    description: 'Number of harts (vCPUs). Each one is a thread in the Call Stack.' },
  { name: 'schedule', type: 'string', modes: ['record'], enum: ['roundrobin', 'chaos'], default: 'roundrobin',
    enumDescriptions: ['Harts take turns, `quantum` instructions each.', 'A seeded generator picks the next hart and a slice of up to twice `quantum`, to shake out races.'],
    description: 'How the recorder chooses which hart runs next. The recording keeps every choice, so a replay never depends on it.' },
  { name: 'quantum', type: 'integer', modes: ['record'], minimum: 1, maximum: 1073741824, setting: 'hartline.quantum',
    description: 'Instructions per scheduling slice.' },
  { name: 'seed', type: 'integer', modes: ['record'], minimum: 0, maximum: 4294967295, default: 1,
    description: 'Seed of the chaos schedule: the same seed gives the same interleaving.' },
  { name: 'ram', type: 'string', modes: ['record'], default: '128M',
    description: 'Guest RAM at 0x80000000, as a size such as `64M` or a number of bytes.' },
  { name: 'bios', type: 'string', modes: ['record'], example: '${workspaceFolder}/fw_dynamic.elf',
    description: 'Firmware ELF run in M-mode before `program`, such as OpenSBI\'s fw_dynamic; `program` is then its S-mode payload.' },
  { name: 'bootargs', type: 'string', modes: ['record'],
    description: 'Kernel command line placed in the device tree\'s /chosen node.' },
  { name: 'snapshotBudget', type: 'integer', modes: ['record', 'replay'], minimum: 16, maximum: 16384, setting: 'hartline.snapshotBudget',
    description: 'Memory, in MiB, for the snapshots behind reverse execution.' },
  { name: 'stopOnEntry', type: 'boolean', modes: ['record', 'replay'],
    description: 'Stop at position 0 before the first instruction. Defaults to false when recording and true when replaying.' },
  { name: 'startAt', type: 'string', modes: ['replay'], enum: ['start', 'end'], default: 'start',
    enumDescriptions: ['Stop at the start of the recording.', 'Stop at its end, ready to go backwards.'],
    description: 'Where a replay stops first.' },
  { name: 'sourceMap', type: 'object', modes: ['record', 'replay'], example: '{ "/build/dir": "${workspaceFolder}" }',
    description: 'Maps source folders named in the ELF\'s debug information to folders here, for programs built on another machine or path.' },
  { name: 'overwrite', type: 'boolean', modes: ['record'], default: false,
    description: 'Replace the `recording` file when it exists. By default a new recording never replaces an old one: it is written to the next free `name-N.hartrec` beside it.' },
  { name: 'cwd', type: 'string', modes: ['record', 'replay'], default: '${workspaceFolder}',
    description: 'Folder that relative paths are resolved against.' },
];

/** The schema type of an attribute, as package.json writes it. */
export function schemaOf(o: LaunchOption | SettingOption): Record<string, unknown> {
  const s: Record<string, unknown> = { type: o.type, markdownDescription: o.description };
  if ('modes' in o && o.modes.length === 1) s.markdownDescription = `(${o.modes[0]} only) ${o.description}`;
  if (o.type === 'array') s.items = { type: 'string' };
  if (o.type === 'object') s.additionalProperties = { type: 'string' };
  if (o.default !== undefined) s.default = o.default;
  if (o.enum) s.enum = [...o.enum];
  if (o.enumDescriptions) s.enumDescriptions = [...o.enumDescriptions];
  if (o.minimum !== undefined) s.minimum = o.minimum;
  if (o.maximum !== undefined) s.maximum = o.maximum;
  return s;
}

/** Launch configurations offered as snippets, as initial configurations and by the dynamic provider. */
export const SNIPPETS = [
  { label: 'Hartline: Record', description: 'Record a multi-hart RISC-V program under a chaos schedule.',
    body: { type: 'hartline', request: 'launch', name: 'Record', mode: 'record', program: '^"\\${workspaceFolder}/${1:program.elf}"', harts: 4, schedule: 'chaos', seed: 7 } },
  { label: 'Hartline: Replay recording', description: 'Replay a .hartrec recording, forwards and backwards.',
    body: { type: 'hartline', request: 'launch', name: 'Replay', mode: 'replay', recording: '^"\\${command:hartline.pickRecording}"', startAt: 'end' } },
  { label: 'Hartline: Record OpenSBI boot', description: 'Record an S-mode payload booted by OpenSBI on 4 harts.',
    body: { type: 'hartline', request: 'launch', name: 'Record OpenSBI boot', mode: 'record', bios: '^"\\${workspaceFolder}/${1:fw_dynamic.elf}"', program: '^"\\${workspaceFolder}/${2:payload.elf}"', harts: 4, ram: '256M', bootargs: 'console=ttyS0', schedule: 'roundrobin' } },
] as const;
