import type { Writable } from 'node:stream';

/**
 * Output into a closed pipe (`imageform apply | head -1`) ends quietly (DESIGN §4): the reader has gone, so the
 * rest of the output is dropped, no message and no stack, and the command goes on (an apply finishes and records
 * its work) and exits with its own code. Without a listener, the stream's EPIPE `error` event kills the process.
 * Any other write error (a full disk behind `> file`) is said once, on the other stream, and writing stops too.
 */
export function endQuietlyWhenClosed(stream: Writable, name: string, other: Writable): void {
  let reported = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    // A destroyed stream drops later writes by itself; this only decides what, if anything, to say.
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' || reported) return;
    reported = true;
    if (!other.destroyed)
      other.write(`error: cannot write to ${name}: ${err.code ?? err.message} (the rest of its output is lost)\n`);
  });
}
