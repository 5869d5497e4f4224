// The typed source of Hartline's settings and launch snippets (the launch attributes are in src/debug/launch-attributes.ts):
// package.json's settings and docs/options.md are generated from them by scripts/contributions.mjs. No vscode import,
// so the generator can load it.

import type { LaunchAttribute } from '../debug/launch-attributes';

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
  {
    key: 'hartline.defaultHarts',
    type: 'integer',
    default: 4,
    minimum: 1,
    maximum: 64,
    description: 'Harts (vCPUs) of a recording whose launch configuration sets no `harts`.',
  },
  {
    key: 'hartline.quantum',
    type: 'integer',
    default: 10000,
    minimum: 1,
    maximum: 1073741824,
    description:
      'Instructions a hart runs before the schedule may switch to another, when a configuration sets no `quantum`. Chaos slices last up to twice this.',
  },
  {
    key: 'hartline.snapshotBudget',
    type: 'integer',
    default: 256,
    minimum: 16,
    maximum: 16384,
    description:
      'Memory, in MiB, that the snapshots behind reverse execution may use. Older snapshots are thinned to stay within it.',
  },
  {
    key: 'hartline.markers.enabled',
    type: 'boolean',
    default: true,
    description: 'Show CPU-switch markers in the gutter and the overview ruler of source editors.',
  },
  {
    key: 'hartline.markers.range',
    type: 'integer',
    default: 8,
    minimum: 1,
    maximum: 200,
    description:
      "Marker density: how many CPU switches on each side of the cursor's position are marked in the editors.",
  },
  {
    key: 'hartline.markers.otherHarts',
    type: 'boolean',
    default: true,
    description: 'While stopped, shade the current line of every other hart in its colour, labelled `hart N`.',
  },
  {
    key: 'hartline.adapter',
    type: 'string',
    default: 'inline',
    enum: ['inline', 'process'],
    enumDescriptions: [
      'Run the debug adapter inside the extension host (fastest).',
      'Run the debug adapter as a separate Node.js process (dist/debugAdapter.js).',
    ],
    description: "Where the debug adapter runs. A launch configuration's `debugServer` port overrides both.",
  },
];

/** The schema type of an attribute, as package.json writes it. */
export function schemaOf(o: LaunchAttribute | SettingOption): Record<string, unknown> {
  const s: Record<string, unknown> = {
    type: o.type === 'size' ? ['string', 'integer'] : o.type,
    markdownDescription: o.description,
  };
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
  {
    label: 'Hartline: Record',
    description: 'Record a multi-hart RISC-V program under a chaos schedule.',
    body: {
      type: 'hartline',
      request: 'launch',
      name: 'Record',
      mode: 'record',
      program: '^"\\${workspaceFolder}/${1:program.elf}"',
      harts: 4,
      schedule: 'chaos',
      seed: 7,
    },
  },
  {
    label: 'Hartline: Replay recording',
    description: 'Replay a .hartrec recording, forwards and backwards.',
    body: {
      type: 'hartline',
      request: 'launch',
      name: 'Replay',
      mode: 'replay',
      recording: '^"\\${command:hartline.pickRecording}"',
      startAt: 'end',
    },
  },
  {
    label: 'Hartline: Record OpenSBI boot',
    description: 'Record an S-mode payload booted by OpenSBI on 4 harts.',
    body: {
      type: 'hartline',
      request: 'launch',
      name: 'Record OpenSBI boot',
      mode: 'record',
      bios: '^"\\${workspaceFolder}/${1:fw_dynamic.elf}"',
      program: '^"\\${workspaceFolder}/${2:payload.elf}"',
      harts: 4,
      ram: '256M',
      bootargs: 'console=ttyS0',
      schedule: 'roundrobin',
    },
  },
] as const;
