import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { endQuietlyWhenClosed } from '../../../src/cli/closed-pipe.js';

function failure(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code });
}

describe('endQuietlyWhenClosed', () => {
  it('says nothing when the reader has gone (EPIPE), and later writes are dropped without an error', () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let said = '';
    err.on('data', (chunk: Buffer) => (said += chunk.toString()));
    endQuietlyWhenClosed(out, 'stdout', err);
    out.destroy(failure('EPIPE'));
    out.write('more\n');
    expect(said).toBe('');
  });

  it('says any other write error once, on the other stream', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let said = '';
    err.on('data', (chunk: Buffer) => (said += chunk.toString()));
    endQuietlyWhenClosed(out, 'stdout', err);
    out.emit('error', failure('ENOSPC'));
    out.emit('error', failure('ENOSPC'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(said).toBe('error: cannot write to stdout: ENOSPC (the rest of its output is lost)\n');
  });
});
