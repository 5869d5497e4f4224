// The commands, menus, keybindings, views and walkthrough that package.json contributes, as typed data: the generator
// writes them into package.json and the extension registers a handler for every command id listed here.

/** When a hartline session exists, and when it is stopped. */
export const IN_SESSION = "debugType == 'hartline'";
export const STOPPED = "debugType == 'hartline' && debugState == 'stopped'";

export interface CommandSpec {
  id: string;
  title: string;
  icon: string;
  /** The enablement and command-palette when clause. */
  when: string;
  /** Where the command appears besides the palette: menu id -> group. */
  menus?: Record<string, { group: string; when?: string }>;
  /** Hidden from the palette: it needs arguments only a menu, link or configuration gives. */
  hidden?: boolean;
}

export const CATEGORY = 'Hartline';

export const COMMANDS: readonly CommandSpec[] = [
  // Beside their forward twins: VS Code orders its own buttons Step Over 20, Step Into 30, Step Out 40.
  {
    id: 'hartline.reverseStepIn',
    title: 'Reverse Step Into',
    icon: 'media/icons/reverse-step-into.svg',
    when: STOPPED,
    menus: { 'debug/toolBar': { group: 'navigation@31' } },
  },
  {
    id: 'hartline.reverseStepOut',
    title: 'Reverse Step Out',
    icon: 'media/icons/reverse-step-out.svg',
    when: STOPPED,
    menus: { 'debug/toolBar': { group: 'navigation@41' } },
  },
  { id: 'hartline.goToPosition', title: 'Go to Position…', icon: '$(milestone)', when: STOPPED },
  {
    id: 'hartline.previousSwitch',
    title: 'Previous CPU Switch',
    icon: '$(arrow-left)',
    when: STOPPED,
    menus: { 'editor/title': { group: 'navigation@1', when: `${STOPPED} && resourceScheme == file` } },
  },
  {
    id: 'hartline.nextSwitch',
    title: 'Next CPU Switch',
    icon: '$(arrow-right)',
    when: STOPPED,
    menus: { 'editor/title': { group: 'navigation@2', when: `${STOPPED} && resourceScheme == file` } },
  },
  {
    id: 'hartline.lastWrite',
    title: 'Last Write to…',
    icon: '$(history)',
    when: STOPPED,
    menus: { 'debug/variables/context': { group: 'hartline@1' } },
  },
  {
    id: 'hartline.stepBackHart',
    title: 'Step Back on this Hart',
    icon: '$(debug-step-back)',
    when: STOPPED,
    menus: { 'debug/callstack/context': { group: 'hartline@1', when: `${STOPPED} && callStackItemType == 'thread'` } },
  },
  {
    id: 'hartline.lineBackHart',
    title: 'Run this Hart Back to Previous Line',
    icon: '$(debug-reverse-continue)',
    when: STOPPED,
    menus: { 'debug/callstack/context': { group: 'hartline@2', when: `${STOPPED} && callStackItemType == 'thread'` } },
  },
  {
    id: 'hartline.reverseStepOutHart',
    title: 'Run this Hart Back to its Caller',
    icon: 'media/icons/reverse-step-out.svg',
    when: STOPPED,
    menus: { 'debug/callstack/context': { group: 'hartline@3', when: `${STOPPED} && callStackItemType == 'thread'` } },
  },
  {
    id: 'hartline.stepHart',
    title: 'Step this Hart One Instruction',
    icon: '$(debug-step-over)',
    when: STOPPED,
    menus: { 'debug/callstack/context': { group: 'hartline@4', when: `${STOPPED} && callStackItemType == 'thread'` } },
  },
  {
    id: 'hartline.openDump',
    title: 'Open Recording Dump',
    icon: '$(file-binary)',
    when: 'true',
    menus: { 'explorer/context': { group: 'navigation@90', when: 'resourceExtname == .hartrec' } },
  },
  { id: 'hartline.toggleMarkers', title: 'Toggle CPU-Switch Markers', icon: '$(eye)', when: IN_SESSION },
  { id: 'hartline.pickRecording', title: 'Pick a Recording', icon: '$(record)', when: 'false', hidden: true },
  { id: 'hartline.travelBack', title: 'Travel Back', icon: '$(arrow-small-left)', when: STOPPED },
  { id: 'hartline.travelForward', title: 'Travel Forward', icon: '$(arrow-small-right)', when: STOPPED },
  { id: 'hartline.addBookmark', title: 'Add Bookmark…', icon: '$(bookmark)', when: STOPPED },
  { id: 'hartline.goToBookmark', title: 'Go to Bookmark…', icon: '$(list-selection)', when: STOPPED },
  { id: 'hartline.recordWorkspace', title: 'Record a Program of this Workspace', icon: '$(record)', when: 'true' },
  { id: 'hartline.replayRecording', title: 'Replay a Recording', icon: '$(debug-alt)', when: 'true' },
  { id: 'hartline.showUart', title: 'Show the UART Terminal', icon: '$(terminal)', when: IN_SESSION },
];

/** Step Back and Reverse Continue are VS Code's own commands; these keys reach them only in a stopped hartline session. */
export const KEYBINDINGS = [
  { command: 'workbench.action.debug.stepBack', key: 'alt+f10', mac: 'alt+f10', when: STOPPED },
  { command: 'workbench.action.debug.reverseContinue', key: 'alt+f5', mac: 'alt+f5', when: STOPPED },
  { command: 'hartline.previousSwitch', key: 'alt+[', mac: 'alt+[', when: STOPPED },
  { command: 'hartline.nextSwitch', key: 'alt+]', mac: 'alt+]', when: STOPPED },
  { command: 'hartline.travelBack', key: 'ctrl+alt+-', mac: 'ctrl+alt+-', when: STOPPED },
  { command: 'hartline.travelForward', key: 'ctrl+alt+shift+-', mac: 'ctrl+alt+shift+-', when: STOPPED },
];

export const TIMELINE_VIEW = 'hartline.timeline';
/** The bottom panel's container for the timeline: wide, and out of the way of the Run and Debug views. */
export const TIMELINE_CONTAINER = 'hartline-timeline';

/** Run and Debug's welcome view, shown while the workspace has no launch configuration. */
export const DEBUG_WELCOME =
  'Hartline records a RISC-V program on several harts and replays it, forwards and backwards.\n' +
  '[Record a Program](command:hartline.recordWorkspace)\n[Replay a Recording](command:hartline.replayRecording)\n' +
  'To keep a configuration, [create a launch.json file](command:workbench.action.debug.configure).';
export const DUMP_SCHEME = 'hartline-dump';
export const DUMP_LANGUAGE = 'hartline-dump';

export const WALKTHROUGH = {
  id: 'hartline.findTheRace',
  title: 'Find a data race, backwards',
  description: 'Record the bundled racy counter on four harts, replay it, and find the two writes that collided.',
  steps: [
    {
      id: 'open',
      title: 'Open the example',
      media: 'media/walkthrough/open.md',
      description:
        'The racy counter lives in `examples/racy-counter/`: four harts add 1 to one counter with a plain load and store.\n[Open Example Folder](command:vscode.openFolder)',
      completionEvents: ['onCommand:vscode.openFolder'],
    },
    {
      id: 'record',
      title: 'Record it under chaos',
      media: 'media/walkthrough/record.md',
      description:
        'Choose **Record (chaos)** in Run and Debug and press F5. Every hart is a thread; every switch between them is recorded.\n[Start Recording](command:workbench.action.debug.start)',
      completionEvents: ['onContext:hartline.recording'],
    },
    {
      id: 'replay',
      title: 'Replay it',
      media: 'media/walkthrough/replay.md',
      description:
        'Stop, then choose **Replay** and press F5. The replay stops at the end; Step Back (Alt+F10) and Reverse Continue (Alt+F5) go backwards.\n[Open the Hart Timeline](command:hartline.timeline.focus)',
      completionEvents: ['onContext:hartline.replaying'],
    },
    {
      id: 'race',
      title: 'Find the colliding writes',
      media: 'media/walkthrough/race.md',
      description:
        'Right-click `counter` in Variables (under Globals) and choose **Break on Value Change**, then Reverse Continue: the stop says who wrote it and what it held. The gutter markers show where the hart was switched out between its load and its store.\n[Go to Previous CPU Switch](command:hartline.previousSwitch)',
      completionEvents: ['onCommand:hartline.lastWrite', 'onCommand:hartline.previousSwitch'],
    },
  ],
};
