import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CATALOG } from '../app/catalog.js';
import { catalogKinds } from '../config/catalog.js';
import { didYouMean } from '../core/did-you-mean.js';
import { UserError } from '../core/errors.js';
import { openConfiguredStateBackend } from '../app/configured-state.js';
import { resourceOutputs } from '../state/outputs.js';
import { referenceAttributesOf } from '../app/catalog.js';
import type { StateDocument } from '../state/state.js';
import { oneLine } from '../ui/safe-text.js';
import { SPECS } from './command-specs.js';
import type { CommandContext } from './context.js';
import { helpHint, parseCommandArgs } from './parse-args.js';

/**
 * `imageform output [ADDR[.ATTR]] [DIR] [--json]`: attributes of managed resources, read from state alone (no
 * cloud call), so an image id can feed an instance template: `imageform output image.web.id` prints just the id.
 */
export async function output(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(SPECS.output, context.argv);
  const { selector, dir } = await splitArguments(context.cwd, positionals);
  const backend = await openConfiguredStateBackend(dir, context);
  let document: StateDocument;
  try {
    document = await backend.read();
  } finally {
    await backend.close();
  }
  const json = values.json === true;
  if (!selector) {
    const all = Object.fromEntries(
      Object.keys(document.resources)
        .sort()
        .map((address) => [
          address,
          resourceOutputs(document.resources[address]!, referenceAttributesOf(document.resources[address]!.kind)),
        ]),
    );
    if (json) context.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    else if (Object.keys(all).length === 0) context.stdout.write(`No managed resources in ${backend.description}.\n`);
    else
      context.stdout.write(
        Object.entries(all)
          .map(([address, outputs]) => `# ${address}\n${attributeLines(outputs)}`)
          .join('\n'),
      );
    return 0;
  }
  const resource = document.resources[selector.address];
  if (!resource) {
    const suggestion = didYouMean(selector.address, Object.keys(document.resources));
    throw UserError.of(
      'output.unknown-address',
      `output: no resource "${selector.address}" in ${backend.description}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      suggestion ? undefined : '"imageform output" lists every managed resource',
    );
  }
  const outputs = resourceOutputs(resource, referenceAttributesOf(resource.kind));
  if (selector.attribute === undefined) {
    context.stdout.write(json ? `${JSON.stringify(outputs, null, 2)}\n` : attributeLines(outputs));
    return 0;
  }
  if (!Object.hasOwn(outputs, selector.attribute)) {
    const suggestion = didYouMean(selector.attribute, Object.keys(outputs));
    throw UserError.of(
      'output.unknown-attribute',
      `output: ${selector.address} has no attribute "${selector.attribute}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      `${resource.kind} has: ${Object.keys(outputs).join(', ')}`,
    );
  }
  const value = outputs[selector.attribute];
  if (json) context.stdout.write(`${JSON.stringify(value)}\n`);
  // The raw value, for scripts: a string unquoted, null as nothing at all.
  else if (value !== null && value !== undefined)
    context.stdout.write(`${typeof value === 'string' ? oneLine(value) : JSON.stringify(value)}\n`);
  return 0;
}

interface Selector {
  address: string;
  attribute?: string;
}

/** `ADDR[.ATTR] [DIR]`, `[DIR]`: a first argument shaped like KIND.NAME is the address, anything else the directory. */
async function splitArguments(cwd: string, positionals: string[]): Promise<{ selector?: Selector; dir?: string }> {
  const [first, second, extra] = positionals;
  const usage = `usage: imageform output [ADDR[.ATTR]] [DIR] (${helpHint('output')})`;
  if (extra !== undefined) throw UserError.of('cli.bad-arguments', `output: unexpected argument "${extra}"`, usage);
  if (first === undefined) return {};
  const selector = parseSelector(first);
  if (selector) return { selector, ...(second !== undefined ? { dir: second } : {}) };
  if (second !== undefined) {
    throw UserError.of(
      'cli.bad-arguments',
      `output: "${oneLine(first)}" is not an address (KIND.NAME or KIND.NAME.ATTR)`,
      usage,
    );
  }
  const info = await stat(resolve(cwd, first)).catch(() => undefined);
  if (!info?.isDirectory()) {
    // `imgae.web.id`: a misspelt kind is the likely mistake when there is a dot.
    const [kind, ...rest] = first.split('.');
    const nearest = rest.length ? didYouMean(kind!, catalogKinds(CATALOG)) : undefined;
    throw UserError.of(
      'cli.bad-arguments',
      `output: "${oneLine(first)}" is neither an address (KIND.NAME or KIND.NAME.ATTR) nor a directory${nearest ? `; did you mean "${oneLine([nearest, ...rest].join('.'))}"?` : ''}`,
      nearest ? undefined : `addresses start with one of: ${catalogKinds(CATALOG).join(', ')}`,
    );
  }
  return { dir: first };
}

function parseSelector(argument: string): Selector | undefined {
  const parts = argument.split('.');
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !catalogKinds(CATALOG).includes(parts[0]!) ||
    parts.some((part) => part === '')
  )
    return undefined;
  if (argument.includes('/')) return undefined;
  return { address: `${parts[0]}.${parts[1]}`, ...(parts[2] !== undefined ? { attribute: parts[2] } : {}) };
}

/** `name = value` lines, the `=` aligned as Terraform aligns it; values in JSON, so strings show their quotes. */
function attributeLines(outputs: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(outputs).map((name) => name.length));
  return Object.entries(outputs)
    .map(([name, value]) => `${name.padEnd(width)} = ${JSON.stringify(value ?? null)}\n`)
    .join('');
}
