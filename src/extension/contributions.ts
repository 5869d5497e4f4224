// Turns debug/launch-attributes.ts, options.ts and manifest.ts into package.json's `contributes` and `activationEvents`,
// and docs/options.md.
// scripts/contributions.mjs writes them; test/unit/extension-contributions.test.ts checks they are up to date.

import {
  CATEGORY,
  COMMANDS,
  DEBUG_WELCOME,
  DUMP_LANGUAGE,
  KEYBINDINGS,
  TIMELINE_CONTAINER,
  TIMELINE_VIEW,
  WALKTHROUGH,
} from './manifest';
import { LAUNCH_ATTRIBUTES, LaunchAttribute } from '../debug/launch-attributes';
import { SETTINGS, SNIPPETS, schemaOf } from './options';
import { RACE_COMMANDS, RACES_VIEW } from './raceManifest';

function icon(path: string): string | { light: string; dark: string } {
  if (path.startsWith('$(')) return path;
  return { light: path.replace(/\.svg$/, '-light.svg'), dark: path.replace(/\.svg$/, '-dark.svg') };
}

/** Every command: manifest.ts's and the race commands of raceManifest.ts. */
const ALL_COMMANDS = [...COMMANDS, ...RACE_COMMANDS];

function menus(): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = { commandPalette: [] };
  for (const c of ALL_COMMANDS) {
    out.commandPalette.push({ command: c.id, when: c.hidden ? 'false' : c.when });
    for (const [menu, m] of Object.entries(c.menus ?? {}))
      (out[menu] ??= []).push({ command: c.id, group: m.group, when: m.when ?? c.when });
  }
  return out;
}

export function contributes(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const o of LAUNCH_ATTRIBUTES) properties[o.name] = schemaOf(o);
  const settings: Record<string, unknown> = {};
  SETTINGS.forEach((s, k) => {
    settings[s.key] = { ...schemaOf(s), order: k };
  });
  return {
    debuggers: [
      {
        type: 'hartline',
        label: 'Hartline (RISC-V record & replay)',
        languages: ['c', 'cpp', 'riscv'],
        variables: { pickRecording: 'hartline.pickRecording' },
        configurationAttributes: { launch: { properties } },
        configurationSnippets: SNIPPETS.map((s) => ({ label: s.label, description: s.description, body: s.body })),
      },
    ],
    breakpoints: [{ language: 'c' }, { language: 'cpp' }, { language: 'riscv' }],
    languages: [
      { id: 'riscv', aliases: ['RISC-V Assembly', 'riscv'], extensions: ['.S', '.s'] },
      { id: DUMP_LANGUAGE, aliases: ['Hartline Recording Dump'], extensions: ['.hartdump'] },
    ],
    configurationDefaults: {
      [`[${DUMP_LANGUAGE}]`]: {
        'editor.guides.indentation': false,
        'editor.wordWrap': 'off',
        'editor.renderWhitespace': 'none',
      },
    },
    grammars: [
      { language: DUMP_LANGUAGE, scopeName: 'source.hartline-dump', path: './syntaxes/hartline-dump.tmLanguage.json' },
    ],
    commands: ALL_COMMANDS.map((c) => ({
      command: c.id,
      title: c.title,
      category: CATEGORY,
      icon: icon(c.icon),
      enablement: c.when === 'true' ? undefined : c.when,
    })),
    menus: menus(),
    keybindings: KEYBINDINGS,
    configuration: { title: 'Hartline', properties: settings },
    viewsContainers: { panel: [{ id: TIMELINE_CONTAINER, title: 'Hart Timeline', icon: 'media/icons/timeline.svg' }] },
    views: {
      [TIMELINE_CONTAINER]: [
        { type: 'webview', id: TIMELINE_VIEW, name: 'Hart Timeline', icon: 'media/icons/timeline.svg' },
      ],
      debug: [RACES_VIEW],
    },
    viewsWelcome: [{ view: 'debug', contents: DEBUG_WELCOME }],
    walkthroughs: [
      {
        id: WALKTHROUGH.id,
        title: WALKTHROUGH.title,
        description: WALKTHROUGH.description,
        steps: WALKTHROUGH.steps.map((s) => ({
          id: s.id,
          title: s.title,
          description: s.description,
          media: { markdown: s.media },
          completionEvents: s.completionEvents,
        })),
      },
    ],
  };
}

export function activationEvents(): string[] {
  return [
    'onDebugResolve:hartline',
    'onDebugDynamicConfigurations:hartline',
    // "create a launch.json file" and launch.json's completions in a folder with RISC-V programs.
    'onDebugInitialConfigurations',
    'workspaceContains:**/*.elf',
    ...ALL_COMMANDS.map((c) => `onCommand:${c.id}`),
    `onView:${TIMELINE_VIEW}`,
    `onView:${RACES_VIEW.id}`,
  ];
}

function cell(v: unknown): string {
  if (v === undefined) return '';
  return '`' + (typeof v === 'string' ? v : JSON.stringify(v)) + '`';
}

function bounds(o: { minimum?: number; maximum?: number; enum?: readonly string[] }): string {
  if (o.enum) return o.enum.map((e) => '`' + e + '`').join(', ');
  if (o.minimum !== undefined) return `${o.minimum.toLocaleString('en-US')} – ${o.maximum!.toLocaleString('en-US')}`;
  return '';
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/options.md: every launch attribute and setting, from the same source as package.json. */
export function optionsDoc(): string {
  const row = (o: LaunchAttribute) =>
    `| \`${o.name}\` | ${o.type} | ${o.modes.join(', ')} | ${cell(o.default)}${o.setting ? `; in VS Code \`${o.setting}\`` : ''} | ${bounds(o)} | ${esc(o.description)} |`;
  return [
    '<!-- Generated by scripts/contributions.mjs from src/debug/launch-attributes.ts and src/extension/options.ts; edit those, then run npm run generate. -->',
    '# Hartline options',
    '',
    'Launch configurations of type `hartline` run in one of two modes: `record` runs an ELF program and writes a `.hartrec`',
    'recording as it goes; `replay` reads a recording and lets you travel through it. Both modes step backwards.',
    '',
    '## Launch attributes',
    '',
    '| attribute | type | modes | default | allowed | description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...LAUNCH_ATTRIBUTES.map(row),
    '',
    "An attribute with a setting takes that setting's value when the configuration leaves it out.",
    '',
    '## Settings',
    '',
    '| setting | type | default | allowed | description |',
    '| --- | --- | --- | --- | --- |',
    ...SETTINGS.map((s) => `| \`${s.key}\` | ${s.type} | ${cell(s.default)} | ${bounds(s)} | ${esc(s.description)} |`),
    '',
    '## Configuration snippets',
    '',
    ...SNIPPETS.map((s) => `- **${s.label}**: ${s.description}`),
    '',
  ].join('\n');
}
