import { render, type Instance } from 'ink';
import type { EngineEvent } from '../engine/events.js';
import { emptyApplyState, findRow, reduceApply } from './apply-state.js';
import { HostApp, type HostStore, type HostView, type StaticItem } from './components/HostApp.js';
import type { Host, HostStreams } from './host-types.js';
import { oneLine } from './safe-text.js';
import { refreshFinishedText, refreshStartedText } from './action-words.js';

export interface InkHostOptions extends HostStreams {
  clock?: () => number;
}

/** What a terminal that reports no size is taken to be. */
const FALLBACK_ROWS = 24;
const FALLBACK_COLUMNS = 80;

/**
 * ink clears the whole screen, scrollback included, and reprints everything whenever its live area is as tall as
 * the terminal. A pseudo-terminal that reports no size (rows 0: `script`, `docker run -t` fed from a pipe) would
 * hit that on every frame, so such a terminal is given a usual size instead; a real size, once known, wins.
 */
function withTerminalSize(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (stream.rows > 0 && stream.columns > 0) return stream;
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'rows') return target.rows > 0 ? target.rows : FALLBACK_ROWS;
      if (key === 'columns') return target.columns > 0 ? target.columns : FALLBACK_COLUMNS;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The terminal host: one ink app for the whole command, mounted on the first event. Final output goes through
 * <Static> (so it stays in the scrollback), running resources and the prompt are redrawn below it.
 */
export function createInkHost(options: InkHostOptions): Host {
  const clock = options.clock ?? Date.now;
  let view: HostView = { items: [], apply: emptyApplyState() };
  const listeners = new Set<() => void>();
  const store: HostStore = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => view,
  };
  const update = (next: HostView): void => {
    view = next;
    for (const listener of listeners) listener();
  };
  const append = (...items: StaticItem[]): void => update({ ...view, items: [...view.items, ...items] });

  let instance: Instance | undefined;
  const mount = (): void => {
    if (instance) return;
    instance = render(<HostApp store={store} clock={clock} />, {
      stdout: withTerminalSize(options.stdout as NodeJS.WriteStream),
      stderr: options.stderr as NodeJS.WriteStream,
      stdin: options.stdin as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
    });
  };

  return {
    notify(event: EngineEvent): void {
      mount();
      const previous = view.apply;
      const apply = reduceApply(previous, event, clock());
      const items: StaticItem[] = [];
      switch (event.type) {
        case 'refresh-started':
          items.push({ kind: 'line', text: refreshStartedText(event.resources), tone: 'muted' });
          break;
        case 'refresh-finished':
          items.push({ kind: 'line', text: refreshFinishedText(event.resources, event.requests), tone: 'muted' });
          break;
        case 'plan-ready':
          items.push({ kind: 'plan', plan: event.plan });
          break;
        case 'resource-finished':
        case 'resource-failed': {
          const row = findRow(apply, event.address);
          if (row) items.push({ kind: 'row', row });
          break;
        }
        case 'notice':
          items.push(
            event.level === 'warning'
              ? { kind: 'line', text: `Warning: ${oneLine(event.message)}`, tone: 'warning' }
              : { kind: 'line', text: oneLine(event.message) },
          );
          break;
        case 'apply-finished':
          if (apply.outcome) items.push({ kind: 'outcome', outcome: apply.outcome });
          break;
        default:
          break;
      }
      update({ ...view, apply, items: [...view.items, ...items] });
    },

    confirm(question: string, defaultAnswer: false): Promise<boolean> {
      // Without a keyboard nobody can answer: take the default instead of waiting forever.
      if (!options.stdin.isTTY) return Promise.resolve(defaultAnswer);
      mount();
      return new Promise<boolean>((resolve) => {
        update({
          ...view,
          prompt: {
            question,
            answer: (approved, typed) => {
              const { prompt: _answered, ...rest } = view;
              view = rest;
              append({ kind: 'answer', question, typed: oneLine(typed) });
              resolve(approved);
            },
          },
        });
      });
    },

    async finish(): Promise<void> {
      // A question nobody answered before the command ended is a no.
      view.prompt?.answer(false, '');
      if (!instance) return;
      // Let React commit the last update before ink writes its final frame.
      await new Promise((resolve) => setImmediate(resolve));
      instance.unmount();
      await instance.waitUntilExit();
      instance = undefined;
    },
  };
}
