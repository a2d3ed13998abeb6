import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { CATALOG } from '../app/catalog.js';
import { catalogKinds } from '../config/catalog.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import { openConfiguredStateBackend } from '../app/configured-state.js';
import { parseStateDocument } from '../state/parse.js';
import { serializeState } from '../state/serialize.js';
import type { ResourceState, StateBackend, StateDocument } from '../state/state.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { parseCommandArgs } from './parse-args.js';

const subcommands = ['list', 'show', 'rm', 'pull', 'push'] as const;
type Subcommand = (typeof subcommands)[number];

/** `imageform state list|show ADDR|rm ADDR...|pull [--serial N]|push FILE [DIR]` */
export async function state(context: CommandContext): Promise<number> {
  const [name, ...argv] = context.argv;
  if (!name || !(subcommands as readonly string[]).includes(name)) {
    const suggestion = name ? didYouMean(name, subcommands) : undefined;
    if (suggestion)
      throw UserError.of(
        'cli.unknown-subcommand',
        `state: unknown subcommand "${name}"; did you mean "${suggestion}"?`,
      );
    throw UserError.of(
      'cli.unknown-subcommand',
      name ? `state: unknown subcommand "${name}"` : 'state needs a subcommand',
      `one of: ${subcommands.join(', ')}; run "imageform state --help" for usage`,
    );
  }
  const run: Record<Subcommand, (context: CommandContext, argv: string[]) => Promise<number>> = {
    list: listState,
    show: showState,
    rm: removeFromState,
    pull: pullState,
    push: pushState,
  };
  return run[name as Subcommand](context, argv);
}

async function listState(context: CommandContext, argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(SPECS.stateList, argv);
  const [dir] = expectPositionals('state list', positionals, [], ['DIR']);
  return withBackend(context, dir, async (backend) => {
    const document = await backend.read();
    for (const address of Object.keys(document.resources).sort()) context.stdout.write(`${address}\n`);
    return 0;
  });
}

async function showState(context: CommandContext, argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(SPECS.stateShow, argv);
  const [address, dir] = expectPositionals('state show', positionals, ['ADDR'], ['DIR']);
  return withBackend(context, dir, async (backend) => {
    const document = await backend.read();
    context.stdout.write(describeResource(address!, findResource(document, address!, backend)));
    return 0;
  });
}

/** Forget resources: the cloud objects stay as they are, imageform just stops managing them. */
async function removeFromState(context: CommandContext, argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(SPECS.stateRm, argv);
  // `rm ADDR... [DIR]`: a last argument that is not shaped like an address is the directory.
  const last = positionals[positionals.length - 1];
  const dir = positionals.length > 1 && last !== undefined && !looksLikeAddress(last) ? last : undefined;
  const addresses = dir === undefined ? positionals : positionals.slice(0, -1);
  if (addresses.length === 0)
    throw usageError('state rm', 'needs at least one address', 'imageform state rm ADDR... [DIR]');
  return withBackend(context, dir, async (backend) => {
    const held = await backend.lock('state rm');
    try {
      const current = await backend.read();
      // Every address is checked before anything changes.
      const removed = addresses.map((address) => [address, findResource(current, address, backend)] as const);
      const next: StateDocument = { ...current, serial: current.serial + 1, resources: { ...current.resources } };
      for (const [address] of removed) delete next.resources[address];
      await backend.write(next);
      for (const [address, resource] of removed) {
        const object = resource.id ? `cloud object ${resource.id}` : 'cloud object, if it was ever created,';
        context.stdout.write(
          `Removed ${address} from state: the ${object} is untouched and no longer managed by imageform.\n`,
        );
      }
      return 0;
    } finally {
      await held.release();
    }
  });
}

async function pullState(context: CommandContext, argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(SPECS.statePull, argv);
  const [dir] = expectPositionals('state pull', positionals, [], ['DIR']);
  const serial = values.serial === undefined ? undefined : parseSerial(values.serial);
  return withBackend(context, dir, async (backend) => {
    const current = await backend.read();
    let document = current;
    if (serial !== undefined && serial !== current.serial) {
      if (!backend.readSerial) {
        throw UserError.of(
          'state.no-history',
          `${backend.description} keeps no earlier serials (it is at serial ${current.serial})`,
          'the postgres backend keeps history; locally, restore the file from a backup',
        );
      }
      const earlier = await backend.readSerial(serial);
      if (!earlier) {
        throw UserError.of(
          'state.serial-not-kept',
          `serial ${serial} is not in the history of ${backend.description}`,
          `the current serial is ${current.serial}`,
        );
      }
      document = earlier;
    }
    context.stdout.write(serializeState(document));
    return 0;
  });
}

/**
 * Store a whole document, e.g. to migrate between backends. Same lineage: it must be newer than what is stored.
 * Another lineage would replace unrelated state, so only into an empty target, or with --force.
 */
async function pushState(context: CommandContext, argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(SPECS.statePush, argv);
  const [file, dir] = expectPositionals('state push', positionals, ['FILE'], ['DIR']);
  const force = values.force === true;
  const shownFile = file === '-' ? 'stdin' : file!;
  const text =
    file === '-' ? await readStream(context.stdin) : await readPushedFile(resolve(context.cwd, file!), shownFile);
  const pushed = parseStateDocument(text, shownFile, catalogKinds(CATALOG));
  return withBackend(context, dir, async (backend) => {
    if (!backend.replace)
      throw UserError.of('state.push-unsupported', `${backend.description} cannot store a whole document`);
    const held = await backend.lock('state push');
    try {
      const current = await backend.read();
      const targetEmpty = current.serial === 0 || Object.keys(current.resources).length === 0;
      if (!force && pushed.lineage === current.lineage && pushed.serial <= current.serial) {
        throw UserError.of(
          'state.push-not-newer',
          `${shownFile} has serial ${pushed.serial} but ${backend.description} is already at serial ${current.serial} of the same lineage`,
          'pull the current state and start from it, or pass --force to overwrite it',
        );
      }
      if (!force && pushed.lineage !== current.lineage && !targetEmpty) {
        const count = Object.keys(current.resources).length;
        throw UserError.of(
          'state.push-other-lineage',
          `${shownFile} is lineage ${pushed.lineage} but ${backend.description} holds lineage ${current.lineage} with ${count} resource${count === 1 ? '' : 's'}`,
          'these are different states; pass --force only if you mean to replace it',
        );
      }
      await backend.replace(pushed, { lineage: current.lineage, serial: current.serial });
      context.stdout.write(
        `Pushed ${shownFile} to ${backend.description} (lineage ${pushed.lineage}, serial ${pushed.serial}).\n`,
      );
      return 0;
    } finally {
      await held.release();
    }
  });
}

async function withBackend(
  context: CommandContext,
  dir: string | undefined,
  task: (backend: StateBackend) => Promise<number>,
): Promise<number> {
  const backend = await openConfiguredStateBackend(dir, context);
  try {
    return await task(backend);
  } finally {
    await backend.close();
  }
}

function findResource(document: StateDocument, address: string, backend: StateBackend): ResourceState {
  const resource = document.resources[address];
  if (resource) return resource;
  const suggestion = didYouMean(address, Object.keys(document.resources));
  throw UserError.of(
    'state.unknown-address',
    `no resource "${address}" in ${backend.description}`,
    suggestion ? `did you mean "${suggestion}"?` : '"imageform state list" shows the addresses in state',
  );
}

/** Readable text; state never holds secrets (the data key is kept only as a hash), so all of it can be shown. */
function describeResource(address: string, resource: ResourceState): string {
  const lines = [`# ${address}`, `kind: ${resource.kind}`, `id: ${resource.id ?? '(not created yet)'}`];
  if (resource.intent) {
    const key = resource.intent.key ? ` (created as "${resource.intent.key}")` : '';
    lines.push(
      `intent: ${resource.intent.action} "${resource.intent.name}"${key} started ${resource.intent.started_at}, not confirmed`,
    );
  }
  lines.push(
    `lifecycle: prevent_destroy ${resource.lifecycle.prevent_destroy}, deletion_policy ${resource.lifecycle.deletion_policy}`,
  );
  lines.push(
    resource.dependencies.length ? `dependencies: ${resource.dependencies.join(', ')}` : 'dependencies: (none)',
  );
  const attributes = Object.keys(resource.attributes).length
    ? stringify(resource.attributes, { sortMapEntries: true }).trimEnd().replace(/^/gm, '  ')
    : '  (none)';
  lines.push('attributes:', attributes);
  return `${lines.join('\n')}\n`;
}

function expectPositionals(
  command: string,
  positionals: string[],
  required: string[],
  optional: string[],
): (string | undefined)[] {
  const usage = `imageform ${command} ${[...required, ...optional.map((name) => `[${name}]`)].join(' ')}`.trimEnd();
  if (positionals.length < required.length) throw usageError(command, `needs ${required.join(' and ')}`, usage);
  if (positionals.length > required.length + optional.length) {
    throw usageError(command, `unexpected argument "${positionals[required.length + optional.length]}"`, usage);
  }
  return [...required, ...optional].map((_, index) => positionals[index]);
}

function usageError(command: string, problem: string, usage: string): UserError {
  return UserError.of('cli.bad-arguments', `${command}: ${problem}`, `usage: ${usage}`);
}

function parseSerial(text: string): number {
  const serial = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(serial)) {
    throw UserError.of(
      'cli.bad-arguments',
      `state pull: --serial must be a whole number, got "${text}"`,
      'e.g. --serial 12',
    );
  }
  return serial;
}

function looksLikeAddress(argument: string): boolean {
  return catalogKinds(CATALOG).some((kind) => argument.startsWith(`${kind}.`) && !argument.includes('/'));
}

async function readPushedFile(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw UserError.of(
      'state.push-unreadable',
      `cannot read ${shown} (${code})`,
      'give the path of a file written by "imageform state pull"',
    );
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
