/**
 * `startEmulator`: the FTP 7.5 model (src/ftp/) served on a real TCP port, for real FTP clients.
 *
 * Owns: turning options into the model's configuration and site, the control listener, starting and stopping.
 * Leaves out: the work itself (driver.ts, data.ts) and the command line (src/cli/serve.ts).
 *
 * Time: model time is nanoseconds since start on the monotonic clock (clock.ts); the model's time 0 is the
 * wall-clock instant of start (`epochMs`), so listings, MDTM and the W3C log show real dates.
 */

import net from 'node:net';
import { UsageError } from '../../sim/errors.ts';
import { MS } from '../../sim/time.ts';
import { makeConfig } from '../ftp/config.ts';
import { EXTERNAL, type Fs, fsFromEntries, lockFile, resolvePath } from '../ftp/fs.ts';
import { createServer } from '../ftp/server.ts';
import { W3C_SOFTWARE, w3cHeader } from '../ftp/w3c.ts';
import { wallClock } from './clock.ts';
import { Driver } from './driver.ts';
import {
  checkHost,
  checkPort,
  defaultPassiveRange,
  type EmulatorOptions,
  randomSeed,
  resolveLimits,
} from './options.ts';
import { loadDirectory } from './site.ts';

/** A running emulator. */
export interface Emulator {
  readonly host: string;
  /** The control port (the one picked when the options asked for port 0). */
  readonly port: number;
  /** `ftp://host:port/` */
  readonly url: string;
  /** Control connections open now. */
  readonly connections: number;
  /** The site now, uploads included. */
  fs(): Fs;
  /** Marks a site path as open in another process (sharing violation) from now, for `forMs` or until unlock. */
  lock(path: string, forMs?: number): void;
  unlock(path: string): void;
  /** Closes every connection and the listener. Resolves when the port is free. */
  close(): Promise<void>;
}

/**
 * The most bytes of a download handed to a socket before the model waits for data-drained. The model steps
 * once per chunk, and its step costs more than the copy of 64 KiB into the kernel (bench/emulator.ts: 1.4 ms
 * of server CPU per MB at 64 KiB, 1.0 ms at 256 KiB). The chunk is a view of the file, never a copy, so a larger
 * one costs no memory. What it costs: the model counts a chunk as moved only when all of it has drained, so
 * once the kernel's buffers are full a client slower than 256 KiB per data channel timeout (8.7 KB/s at 30 s)
 * looks idle to the data-idle timer. 64 KiB (the model's default) moves that bound to 2.2 KB/s.
 */
const SEND_CHUNK_BYTES = 256 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = checkHost(options.host ?? '127.0.0.1');
  const port = checkPort(options.port ?? 2121);
  const limits = resolveLimits(options.limits);
  const clock = wallClock();
  const config = makeConfig({
    seed: randomSeed(),
    epochMs: clock.epochMs,
    sendChunkBytes: SEND_CHUNK_BYTES,
    // Trace notes are made only for an observer (--trace): nothing else reads them.
    traceNotes: options.observe !== undefined,
    ...defaultPassiveRange(),
    ...options.config,
  });
  const notice = options.notice ?? ((text: string) => process.stderr.write(`netstep serve: ${text}\n`));
  const loaded = options.filesDir === undefined ? null : loadDirectory(options.filesDir, clock.epochMs);
  for (const why of loaded?.skipped ?? []) notice(`--files: skipped ${why}`);
  let fs = fsFromEntries({ ...loaded?.entries, ...options.files }, 0);
  for (const path of options.locks ?? []) {
    fs = lockFile(fs, { path: sitePath(path), from: 0, until: null, owner: EXTERNAL });
  }
  const bindActive = config.activeDataPort < 1024 ? await mayBind(host, config.activeDataPort) : true;
  if (bindActive === false) {
    notice(
      `cannot bind port ${config.activeDataPort} for active data connections (needs root or CAP_NET_BIND_SERVICE); they leave from ephemeral ports`,
    );
  }
  const driver = new Driver(createServer(config, fs), clock, limits, notice, options, bindActive);
  const listener = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
    driver.connection(socket),
  );
  await new Promise<void>((resolve, reject) => {
    listener.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`)),
    );
    listener.listen({ host, port }, resolve);
  });
  listener.on('error', (err) => notice(`control listener: ${err.message}`));
  for (const line of w3cHeader(0, W3C_SOFTWARE, { epochMs: config.epochMs })) options.log?.(line);
  const bound = (listener.address() as net.AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    host,
    port: bound,
    url: `ftp://${host}:${bound}/`,
    get connections() {
      return driver.connections;
    },
    fs: () => driver.fs,
    lock: (path, forMs) => {
      const now = clock.now();
      const until = forMs === undefined ? null : now + Math.round(forMs * MS);
      driver.feed({ kind: 'lock', lock: { path: sitePath(path), from: now, until, owner: EXTERNAL } });
    },
    unlock: (path) => driver.feed({ kind: 'unlock', path: sitePath(path), owner: EXTERNAL }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        listener.close(() => resolve());
        driver.stop();
      });
      return closing;
    },
  };
}

/** A site path as the model writes it ('/docs/a.txt'), from what a user typed ('docs/a.txt'). */
function sitePath(typed: string): string {
  const r = resolvePath('/', typed, '/');
  if (!r.ok)
    throw new UsageError(`--lock ${JSON.stringify(typed)}: not a valid site path (Win32 error ${r.win32})`);
  return r.value;
}

/**
 * Whether this process may bind `port` (below 1024: root or CAP_NET_BIND_SERVICE). null when the port is
 * busy, which says nothing about permission: the first connect finds out.
 */
function mayBind(host: string, port: number): Promise<boolean | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EACCES' ? false : null));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
