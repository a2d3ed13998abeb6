/**
 * Preloaded into the measured CLI process (`node --import ./cli-probe.js bin/imageform.js ...`): when the process
 * exits it writes one JSON line to the file named by IMAGEFORM_BENCH_PROBE with its own CPU time and the bytes it
 * wrote through write(2), so the bench measures the real built CLI without changing it.
 *
 * Why in-process: Node gives a parent no rusage of its children, and sampling /proc/PID/stat from outside misses
 * whatever runs between the last sample and the exit. process.resourceUsage() is getrusage(RUSAGE_SELF): every
 * thread (main, GC, libuv pool), read at the 'exit' event, after the CLI's own work is done.
 *
 * /proc/self/io `wchar` counts every byte passed to write(2)-like calls: state and lock files, but also HTTP
 * requests and stdout/stderr. The sockets' own `bytesWritten` are summed here (every client socket, seen through
 * the `net.client.socket` diagnostics channel) and the parent subtracts the pipes' bytes it received, which leaves
 * the bytes written to files. When the state backend exposes a `bytesWritten` counter (branch h/journal), it can
 * be reported from here too and compared with this figure.
 */
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.IMAGEFORM_BENCH_PROBE;
const sockets = new Set();
subscribe('net.client.socket', (message) => sockets.add(message.socket));

function ioCounters() {
  const counters = {};
  for (const line of readFileSync('/proc/self/io', 'utf8').split('\n')) {
    const [key, value] = line.split(':');
    if (key && value) counters[key.trim()] = Number(value);
  }
  return counters;
}

process.on('exit', () => {
  if (!target) return;
  const usage = process.resourceUsage();
  const io = ioCounters();
  let socketBytes = 0;
  for (const socket of sockets) socketBytes += socket.bytesWritten ?? 0;
  const report = {
    userMs: usage.userCPUTime / 1000,
    systemMs: usage.systemCPUTime / 1000,
    maxRssMb: usage.maxRSS / 1024,
    uptimeMs: process.uptime() * 1000,
    wchar: io.wchar,
    syscw: io.syscw,
    socketBytes,
    sockets: sockets.size,
  };
  writeFileSync(target, `${JSON.stringify(report)}\n`);
});
