/**
 * Every command's surface, declared once: the argument parser takes its flags from here and `--help` prints this
 * (DESIGN.md §4). Plain data, no imports, so `imageform help` and did-you-mean never load a command.
 */
export interface FlagSpec {
  type: 'boolean' | 'string';
  /** May be given more than once (`--target A --target B`). */
  multiple?: boolean;
  /** The value's placeholder in help, e.g. FILE. */
  value?: string;
  /** One line for --help. */
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface CommandSpec {
  /** As typed: `plan`, `state pull`. */
  name: string;
  /** Arguments after the name, e.g. `[DIR]`. */
  args: string;
  /** One line for the command list. */
  summary: string;
  /** What it does, a few lines for --help. */
  description: string;
  flags: FlagSpecs;
  /** `[code, meaning]` pairs. */
  exit: readonly (readonly [number, string])[];
  subcommands?: readonly CommandSpec[];
}

const EXIT_OK_ERROR = [
  [0, 'success'],
  [1, 'error (bad input, a refused operation)'],
] as const;

const EXIT_APPLY = [
  [0, 'success'],
  [1, 'error (bad input, a refused plan, a resource that failed)'],
] as const;

/** Flags apply and destroy share: one declaration each, for the parser and the help alike. */
const autoApprove = { type: 'boolean', help: 'do not ask; needed when stdin is not a terminal' } as const;
const parallelism = { type: 'string', value: 'N', help: 'at most N operations at once (default 10)' } as const;

const noColor = {
  type: 'boolean',
  help: 'no ANSI colours (as NO_COLOR=1 or TERM=dumb); prompts still ask on a terminal',
} as const;

const validate = {
  name: 'validate',
  args: '[DIR]',
  summary: 'check the files: syntax, schema, references, rules',
  description:
    'Reads every *.yaml below DIR (default: the current directory) and checks syntax, the schema of each kind,\n' +
    'references between resources and every rule that needs no cloud. Touches neither the cloud nor state.',
  flags: {
    json: { type: 'boolean', help: 'print {"valid": true|false, "diagnostics": [...]} on stdout' },
  },
  exit: [
    [0, 'the files are valid (warnings allowed)'],
    [1, 'errors, each printed as file:line:col: message'],
  ],
} as const satisfies CommandSpec;

const plan = {
  name: 'plan',
  args: '[DIR]',
  summary: 'show what must change',
  description:
    'Refreshes state from the cloud, compares it with the files and shows what apply would do. Changes nothing.\n' +
    'With --out the plan is saved; "imageform apply FILE" then carries out exactly that plan.',
  flags: {
    out: { type: 'string', value: 'FILE', help: 'save the plan to FILE (mode 0600; holds no secret)' },
    'detailed-exitcode': { type: 'boolean', help: 'exit 2 when there are changes, 0 when there are none' },
    'refresh-only': { type: 'boolean', help: 'plan only to record what changed in the cloud, not to change it' },
    target: { type: 'string', multiple: true, value: 'ADDR', help: 'plan only ADDR and what it depends on' },
    json: { type: 'boolean', help: 'print the plan as JSON (DESIGN.md §4), the same as --format json' },
    format: { type: 'string', value: 'text|json|markdown', help: 'output format; markdown is a pull-request comment' },
    'no-color': noColor,
  },
  exit: [
    [0, 'success (with --detailed-exitcode: no changes)'],
    [1, 'error'],
    [2, 'changes to make (only with --detailed-exitcode)'],
  ],
} as const satisfies CommandSpec;

const apply = {
  name: 'apply',
  args: '[DIR | PLANFILE]',
  summary: 'make the cloud match the files',
  description:
    'Plans, shows the plan, asks for "yes" on a terminal, then creates, updates and deletes. Given a file saved by\n' +
    '"imageform plan --out FILE", carries out exactly that plan, and refuses it if state or the cloud moved on.',
  flags: {
    'auto-approve': autoApprove,
    parallelism,
    json: { type: 'boolean', help: 'one JSON object per event on stdout (the plan, each resource, the outcome)' },
    'no-color': noColor,
  },
  exit: EXIT_APPLY,
} as const satisfies CommandSpec;

const destroy = {
  name: 'destroy',
  args: '[DIR]',
  summary: 'delete everything in state',
  description:
    'Deletes every cloud object imageform manages in this state, dependents first. prevent_destroy refuses;\n' +
    'deletion_policy orphan forgets the object instead of deleting it. Asks for "yes" on a terminal.',
  flags: {
    'auto-approve': autoApprove,
    parallelism,
    json: { type: 'boolean', help: 'one JSON object per event on stdout' },
    'no-color': noColor,
  },
  exit: EXIT_APPLY,
} as const satisfies CommandSpec;

const drift = {
  name: 'drift',
  args: '[DIR]',
  summary: 'report changes made outside imageform',
  description:
    'Refreshes only, and reports what changed in the cloud since the last apply and what differs from the files.\n' +
    "Changes nothing, except that --baseline writes ignore rules for today's drift.",
  flags: {
    format: { type: 'string', value: 'text|json|markdown', help: 'output format (json: the plan --json object)' },
    baseline: { type: 'boolean', help: "accept today's drift: write ignore rules for it" },
    reason: { type: 'string', value: 'TEXT', help: 'the reason recorded in rules written by --baseline' },
    'no-color': noColor,
  },
  exit: [
    [0, 'no drift'],
    [1, 'error'],
    [2, 'drift found'],
  ],
} as const satisfies CommandSpec;

const importSpec = {
  name: 'import',
  args: 'ADDR ID [DIR]',
  summary: 'adopt an existing cloud object under ADDR',
  description:
    'Reads the cloud object ID and records it in state under ADDR (e.g. image.web), which a document must declare.\n' +
    'The cloud object is not changed; run "imageform plan" afterwards to see how it differs from the files.',
  flags: { 'no-color': noColor },
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const stateList = {
  name: 'state list',
  args: '[DIR]',
  summary: 'the addresses in state',
  description: 'Prints every address in state, one a line, sorted.',
  flags: {},
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const stateShow = {
  name: 'state show',
  args: 'ADDR [DIR]',
  summary: "one resource's state",
  description: 'Prints what state holds for ADDR: kind, id, lifecycle, dependencies and the attributes last read.',
  flags: {},
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const stateRm = {
  name: 'state rm',
  args: 'ADDR... [DIR]',
  summary: 'forget resources (the cloud objects stay)',
  description: 'Removes ADDR from state: imageform stops managing the cloud object, which is left as it is.',
  flags: {},
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const statePull = {
  name: 'state pull',
  args: '[DIR]',
  summary: 'print the state document',
  description: 'Prints the whole state document as JSON, e.g. to back it up or to move it to another backend.',
  flags: {
    serial: { type: 'string', value: 'N', help: 'an earlier serial, where the backend keeps history (postgres)' },
  },
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const statePush = {
  name: 'state push',
  args: 'FILE [DIR]',
  summary: 'store a state document (FILE, or - for stdin)',
  description:
    'Stores a document written by "imageform state pull". Of the same lineage it must be newer than what is stored;\n' +
    'of another lineage only into an empty state.',
  flags: {
    force: { type: 'boolean', help: 'store it even if older, or of another lineage' },
  },
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const state = {
  name: 'state',
  args: 'list|show|rm|pull|push',
  summary: 'inspect, edit, export and import state',
  description: 'Works on the state of DIR (default: the current directory) as its imageform.yaml configures it.',
  flags: {},
  exit: EXIT_OK_ERROR,
  subcommands: [stateList, stateShow, stateRm, statePull, statePush],
} as const satisfies CommandSpec;

const forceUnlock = {
  name: 'force-unlock',
  args: 'LOCK_ID [DIR]',
  summary: 'release a stale lock',
  description:
    'Releases the state lock whose ID a refused command printed, when its holder is gone. Asks on a terminal.',
  flags: {
    force: { type: 'boolean', help: 'do not ask' },
  },
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const show = {
  name: 'show',
  args: 'PLANFILE',
  summary: 'print a saved plan',
  description:
    'Prints a plan saved by "imageform plan --out FILE" exactly as plan printed it. Reads neither the cloud nor state.',
  flags: {
    json: { type: 'boolean', help: 'print it as "imageform plan --json" did' },
    'no-color': noColor,
  },
  exit: EXIT_OK_ERROR,
} as const satisfies CommandSpec;

const output = {
  name: 'output',
  args: '[ADDR[.ATTR]] [DIR]',
  summary: 'attributes of managed resources, from state',
  description:
    'Prints what a ${KIND.NAME.ATTR} reference can read, from state (no cloud call): every resource, one resource\n' +
    '(ADDR, e.g. image.web) or one value alone (ADDR.ATTR, e.g. image.web.id, for scripts; null prints nothing).',
  flags: {
    json: { type: 'boolean', help: 'print JSON: {ADDR: {ATTR: value}}, {ATTR: value} or the value' },
  },
  exit: [
    [0, 'success'],
    [1, 'error (e.g. no such address or attribute)'],
  ],
} as const satisfies CommandSpec;

const emulator = {
  name: 'emulator',
  args: '',
  summary: "run a cloud's emulator",
  description:
    'Runs one cloud\'s emulator as an HTTP server until interrupted; prints "listening on http://127.0.0.1:PORT".',
  flags: {
    cloud: {
      type: 'string',
      value: 'ibm-vpc|openstack-glance|alibaba-ecs',
      help: 'the cloud to emulate (default ibm-vpc)',
    },
    port: { type: 'string', value: 'N', help: 'port to listen on (default 0: a free one)' },
    host: { type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
    data: { type: 'string', value: 'FILE', help: 'keep the cloud in FILE across restarts' },
    'api-key': {
      type: 'string',
      value: 'KEY',
      help: 'the API key to accept (or IMAGEFORM_EMULATOR_API_KEY); default: a new one',
    },
    'time-scale': { type: 'string', value: 'X', help: 'how fast emulated time runs for waits (0.1: ten times faster)' },
    'token-ttl': { type: 'string', value: 'SECONDS', help: 'lifetime of the IAM tokens it issues' },
  },
  exit: [
    [0, 'stopped by SIGINT or SIGTERM'],
    [1, 'error (e.g. the port is in use)'],
  ],
} as const satisfies CommandSpec;

/** In the order `imageform help` lists them. */
export const COMMANDS = [
  validate,
  plan,
  apply,
  destroy,
  drift,
  importSpec,
  state,
  forceUnlock,
  show,
  output,
  emulator,
] as const;

export const SPECS = {
  validate,
  plan,
  apply,
  destroy,
  drift,
  import: importSpec,
  state,
  stateList,
  stateShow,
  stateRm,
  statePull,
  statePush,
  forceUnlock,
  show,
  output,
  emulator,
} as const;

/** The spec for `name` (and, for `state`, its subcommand), if there is one. */
export function findSpec(name: string, subcommand?: string): CommandSpec | undefined {
  const spec: CommandSpec | undefined = COMMANDS.find((candidate) => candidate.name === name);
  if (!spec?.subcommands || subcommand === undefined) return spec;
  return spec.subcommands.find((candidate) => candidate.name === `${name} ${subcommand}`) ?? spec;
}
