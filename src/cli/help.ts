import { COMMANDS, type CommandSpec } from './command-specs.js';

/** `imageform COMMAND --help`: usage, what it does, each flag on one line, exit codes; all from the spec. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.description];
  if (spec.subcommands) {
    lines.push('', 'Subcommands:');
    const width = Math.max(...spec.subcommands.map((sub) => subcommandLabel(sub).length));
    for (const sub of spec.subcommands) lines.push(`  ${subcommandLabel(sub).padEnd(width)}  ${sub.summary}`);
    lines.push('', `Run "imageform ${spec.name} SUBCOMMAND --help" for a subcommand's flags.`);
  }
  const flags = Object.entries(spec.flags).map(([name, flag]) => {
    const label = `--${name}${flag.value ? ` ${flag.value}` : ''}`;
    return [label, flag.multiple ? `${flag.help} (repeatable)` : flag.help] as const;
  });
  flags.push(['-h, --help', 'show this help']);
  const width = Math.max(...flags.map(([label]) => label.length));
  lines.push('', 'Flags:', ...flags.map(([label, help]) => `  ${label.padEnd(width)}  ${help}`));
  if (Object.keys(spec.flags).length)
    lines.push("  Terraform's single-dash spellings work too: -flag, -flag=VALUE, -flag VALUE.");
  lines.push('', 'Exit codes:', ...spec.exit.map(([code, meaning]) => `  ${code}  ${meaning}`));
  return `${lines.join('\n')}\n`;
}

/** `imageform help`: every command with its arguments and what it does. */
export function generalHelp(): string {
  const labels = COMMANDS.map((spec) => `${spec.name}${spec.args ? ` ${spec.args}` : ''}`);
  const width = Math.max(...labels.map((label) => label.length));
  return [
    'Usage: imageform <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((spec, index) => `  ${labels[index]!.padEnd(width)}  ${spec.summary}`),
    '',
    'Run "imageform COMMAND --help" (or "imageform help COMMAND") for its flags and exit codes.',
    'Exit codes: 0 ok, 1 error, 2 changes or drift (plan --detailed-exitcode, drift).',
    '',
  ].join('\n');
}

function usageLine(spec: CommandSpec): string {
  const parts = ['imageform', spec.name];
  if (spec.args) parts.push(spec.args);
  if (Object.keys(spec.flags).length) parts.push('[flags]');
  if (spec.subcommands) parts.push('...');
  return parts.join(' ');
}

function subcommandLabel(sub: CommandSpec): string {
  const word = sub.name.split(' ').slice(1).join(' ');
  return `${word}${sub.args ? ` ${sub.args}` : ''}`;
}
