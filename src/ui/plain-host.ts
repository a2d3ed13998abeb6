import type { EngineEvent } from '../engine/events.js';
import { DOING, formatElapsed, formatPercent, refreshFinishedText, refreshStartedText } from './action-words.js';
import { emptyApplyState, findRow, reduceApply, type ApplyState } from './apply-state.js';
import { finishedRowText, outcomeLines } from './apply-text.js';
import type { Host, HostStreams } from './host-types.js';
import { askLine } from './line-prompt.js';
import { renderPlanText } from './plan-text.js';
import { oneLine } from './safe-text.js';
import { LOG_HANG, outputWidth, wrapText } from './wrap.js';

export interface PlainHostOptions extends HostStreams {
  color: boolean;
  /** How often a running resource says it is still alive (Terraform's "still creating..."). */
  heartbeatMs?: number;
  clock?: () => number;
}

/** What the live plain hosts still hold, sent when the process exits without their finish (a second Ctrl-C). */
const sendersAtExit = new Set<() => void>();
let exitHookInstalled = false;

/**
 * One line per event, never a redraw: CI logs and pipes read top to bottom. The yes-prompt is a plain line prompt,
 * asked when stdin is a terminal and answered with its default otherwise.
 */
export function createPlainHost(options: PlainHostOptions): Host {
  const clock = options.clock ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  let state: ApplyState = emptyApplyState();
  /** Last progress printed per resource, so frequent polls do not flood the log. */
  const lastProgress = new Map<string, string>();
  /** When each resource last printed a line: a heartbeat is only for resources that have gone quiet. */
  const lastLineAt = new Map<string, number>();
  let heartbeat: NodeJS.Timeout | undefined;

  // On a terminal (colour off), lines wrap under their own indent; in a pipe or a log they stay whole.
  const width = outputWidth(options.stdout);
  // Lines of one turn of the event loop go out in one write: a large apply prints thousands, and a write to a pipe
  // or a file is a system call each (synchronous, for stdout). Sent before a question, at the end and at exit.
  let unsent = '';
  const send = (): void => {
    if (!unsent) return;
    const text = unsent;
    unsent = '';
    options.stdout.write(text);
  };
  sendersAtExit.add(send);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const sender of sendersAtExit) sender();
    });
  }
  const write = (text: string, wrap = true): void => {
    // The plan arrives wrapped already (and may hold colour codes, which are no characters).
    const wrapped = wrap ? wrapText(text, width, LOG_HANG) : text;
    if (!unsent) setImmediate(send);
    unsent += wrapped.endsWith('\n') ? wrapped : `${wrapped}\n`;
  };

  const beat = (): void => {
    const now = clock();
    for (const row of state.rows) {
      if (row.status !== 'running' || now - (lastLineAt.get(row.address) ?? 0) < heartbeatMs / 2) continue;
      lastLineAt.set(row.address, now);
      write(`${row.address}: still ${DOING[row.action]}... [${formatElapsed(now - row.startedAt)} elapsed]`);
    }
  };

  const stopHeartbeat = (): void => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
  };

  return {
    notify(event: EngineEvent): void {
      const now = clock();
      state = reduceApply(state, event, now);
      if ('address' in event) lastLineAt.set(event.address, now);
      switch (event.type) {
        case 'refresh-started':
          write(refreshStartedText(event.resources));
          break;
        case 'refresh-finished':
          write(refreshFinishedText(event.resources, event.requests));
          break;
        case 'plan-ready':
          // Blank lines around the plan: in a CI log it stands apart from the refresh above and the apply below.
          write(`\n${renderPlanText(event.plan, { color: options.color, width })}\n`, false);
          break;
        case 'resource-started': {
          const id = event.id ? ` [id=${event.id}]` : '';
          write(`${event.address}: ${DOING[event.action]}...${id}`);
          if (!heartbeat && heartbeatMs > 0) {
            heartbeat = setInterval(beat, heartbeatMs);
            heartbeat.unref();
          }
          break;
        }
        case 'resource-progress': {
          const row = findRow(state, event.address);
          const bucket = event.fraction === undefined ? '' : String(Math.floor(event.fraction * 10));
          const key = `${oneLine(event.message)}|${bucket}`;
          if (lastProgress.get(event.address) === key) break;
          lastProgress.set(event.address, key);
          const percent = event.fraction === undefined ? '' : ` ${formatPercent(event.fraction)}`;
          const elapsed = row ? ` [${formatElapsed(now - row.startedAt)} elapsed]` : '';
          write(`${event.address}: ${oneLine(event.message)}${percent}${elapsed}`);
          break;
        }
        case 'resource-finished':
        case 'resource-failed': {
          lastProgress.delete(event.address);
          const row = findRow(state, event.address);
          if (row) write(finishedRowText(row));
          break;
        }
        case 'notice':
          write(event.level === 'warning' ? `Warning: ${oneLine(event.message)}` : oneLine(event.message));
          break;
        case 'apply-finished':
          stopHeartbeat();
          if (state.outcome) write(`\n${outcomeLines(state.outcome).join('\n')}`);
          break;
      }
    },
    async confirm(question: string, defaultAnswer: false): Promise<boolean> {
      // Colour and prompting are separate: whoever sits at a keyboard is asked, whatever the colours.
      send();
      if (!options.stdin.isTTY) return defaultAnswer;
      const answer = await askLine(question, options);
      return answer.trim() === 'yes';
    },
    async finish(): Promise<void> {
      stopHeartbeat();
      send();
      sendersAtExit.delete(send);
    },
  };
}
