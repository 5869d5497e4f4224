// The race-finding part of the manifest: the Races view and its commands, as typed data that contributions.ts adds
// to package.json next to manifest.ts's (kept apart so the two can change independently).

import type { CommandSpec } from './manifest';

export const RACES_VIEW_ID = 'hartline.races';

export const RACE_COMMANDS: readonly CommandSpec[] = [
  {
    id: 'hartline.findRaces',
    title: 'Find Data Races in the Recording',
    icon: '$(bug)',
    when: 'true',
    menus: {
      'view/title': { group: 'navigation@1', when: `view == ${RACES_VIEW_ID}` },
      'explorer/context': { group: 'navigation@91', when: 'resourceExtname == .hartrec' },
    },
  },
  {
    id: 'hartline.hunt',
    title: 'Hunt for a Failing Schedule',
    icon: '$(search)',
    when: 'true',
    menus: { 'explorer/context': { group: 'navigation@92', when: 'resourceExtname == .elf' } },
  },
  {
    id: 'hartline.goToRaceAccess',
    title: 'Go to Racing Access',
    icon: '$(debug-stackframe)',
    when: 'true',
    hidden: true,
  },
];

/** The Races tree in Run and Debug, shown in a hartline session or once races were found. */
export const RACES_VIEW = { id: RACES_VIEW_ID, name: 'Races', when: "debugType == 'hartline' || hartline.hasRaces" };
