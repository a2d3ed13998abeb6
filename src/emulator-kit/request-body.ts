import type { IncomingMessage } from 'node:http';
import { EmulatorProblem } from './problem.js';

/** The most a request body may hold; a cloud that takes uploads reads `request.stream` itself. */
export const maxBodyBytes = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes)
      throw new EmulatorProblem(413, 'body-too-large', `The request body is larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as JSON, whatever the Content-Type; undefined when it is empty. */
export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new EmulatorProblem(400, 'invalid-json', 'The request body is not valid JSON');
  }
}

export function requireObject(body: unknown, what = 'request body'): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new EmulatorProblem(400, 'not-an-object', `The ${what} must be a JSON object`);
  return body as Record<string, unknown>;
}
