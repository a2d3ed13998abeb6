import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './e2e.js';

/**
 * A minimal Language Server Protocol client: JSON-RPC over the server's stdin/stdout with Content-Length framing,
 * as an editor speaks it. It answers the requests the server sends back (configuration, capability registration)
 * and keeps every published diagnostic, so a test can wait for the ones of a document.
 */
export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  severity?: number;
  source?: string;
}

export interface LspCompletionItem {
  label: string;
  kind?: number;
  insertText?: string;
  documentation?: unknown;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class LspClient {
  private readonly child: ChildProcess;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly diagnostics = new Map<string, LspDiagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  stderr = '';

  constructor(
    command: string,
    args: string[],
    private readonly settings: Record<string, unknown>,
  ) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', () => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`language server exited; stderr: ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** The yaml-language-server installed in node_modules, started with --stdio, and initialized. */
  static async yamlLanguageServer(settings: Record<string, unknown> = {}): Promise<LspClient> {
    const server = join(REPO, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
    const client = new LspClient(process.execPath, [server, '--stdio'], {
      yaml: { validate: true, completion: true, hover: true, schemaStore: { enable: false }, ...settings },
    });
    await client.initialize();
    return client;
  }

  private send(message: Record<string, unknown>): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin!.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'));
      if (!length)
        throw new Error(`LSP message without Content-Length: ${this.buffer.subarray(0, headerEnd).toString()}`);
      const start = headerEnd + 4;
      const end = start + Number(length[1]);
      if (this.buffer.length < end) return;
      const message = JSON.parse(this.buffer.subarray(start, end).toString('utf8')) as Record<string, any>;
      this.buffer = this.buffer.subarray(end);
      this.handle(message);
    }
  }

  private handle(message: Record<string, any>): void {
    if (message.id !== undefined && message.method === undefined) {
      const waiter = this.pending.get(message.id as number);
      this.pending.delete(message.id as number);
      if (message.error) waiter?.reject(new Error(`LSP error ${JSON.stringify(message.error)}`));
      else waiter?.resolve(message.result);
      return;
    }
    if (message.id !== undefined) {
      // A request from the server: settings for each asked section, null for everything else.
      const result =
        message.method === 'workspace/configuration'
          ? (message.params.items as { section?: string }[]).map((item) => this.section(item.section))
          : null;
      this.send({ id: message.id, result });
      return;
    }
    if (message.method === 'textDocument/publishDiagnostics') {
      this.diagnostics.set(message.params.uri as string, message.params.diagnostics as LspDiagnostic[]);
      for (const waiter of this.waiters.splice(0)) waiter();
    }
  }

  private section(name: string | undefined): unknown {
    if (!name) return this.settings;
    return (
      name
        .split('.')
        .reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], this.settings) ?? null
    );
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  private async initialize(): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(REPO).href,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          publishDiagnostics: { relatedInformation: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
      workspaceFolders: [{ uri: pathToFileURL(REPO).href, name: 'imageform' }],
    });
    this.notify('initialized', {});
    this.notify('workspace/didChangeConfiguration', { settings: this.settings });
  }

  /** Opens (or replaces) a document as an editor does, and returns its URI. */
  open(file: string, text: string): string {
    const uri = pathToFileURL(file).href;
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.diagnostics.delete(uri);
    if (version === 1)
      this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    else this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return uri;
  }

  /** The diagnostics the server publishes for a document, once it has published them (after open). */
  async diagnosticsFor(uri: string, deadlineMs = 30_000): Promise<LspDiagnostic[]> {
    const deadline = Date.now() + deadlineMs;
    while (!this.diagnostics.has(uri)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics published for ${uri}; server stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.diagnostics.get(uri)!;
  }

  async completion(uri: string, line: number, character: number): Promise<LspCompletionItem[]> {
    const result = await this.request<{ items: LspCompletionItem[] } | LspCompletionItem[] | null>(
      'textDocument/completion',
      {
        textDocument: { uri },
        position: { line, character },
      },
    );
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      this.child.kill();
    }
    await exited;
  }
}
