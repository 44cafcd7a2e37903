/**
 * `netstep serve`: the FTP 7.5 model on a real TCP port (src/emulator/), for real FTP clients. Runs until
 * Ctrl-C or SIGTERM, then closes every connection and exits 0.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../../sim/errors.ts';
import { siteSize, startEmulator } from '../emulator/index.ts';
import {
  checkPort,
  DEFAULT_LIMITS,
  defaultPassiveRange,
  type EmulatorOptions,
  type Observed,
  parseBytes,
  parsePortRange,
  parseTimeouts,
  parseUser,
} from '../emulator/options.ts';
import type { FtpConfigInput } from '../ftp/config.ts';
import type { IsolationMode, LocalUser } from '../ftp/users.ts';
import type { Command } from './main.ts';

const HELP = `usage: netstep serve [options]

Serves the IIS FTP 7.5 model on a real TCP port, so that real FTP clients can be tried against FTP 7.5's
behaviour (125/150, 226 before the data connection's close, PASV waiting for the previous data connection,
451 on LF-only lines, low data ports reset, sharing violations). Files live in memory: nothing is written to
disk. Standard output carries the W3C log only; the start-up line and notices go to standard error.

  --host ADDR            IPv4 address to listen on (default 127.0.0.1: loopback only; 0.0.0.0: every interface)
  --port N               control port (default 2121; 0 picks a free port, printed on start)
  --user NAME:PASSWORD   a local user, repeatable (DOMAIN\\NAME:PASSWORD for a domain user)
  --anonymous            allow anonymous logins (USER anonymous or ftp; any e-mail as password)
  --isolation MODE       None (default), StartInUsersDirectory, IsolateAllDirectories, IsolateRootDirectoryOnly
                         (isolated users live in LocalUser/NAME, anonymous in LocalUser/Public)
  --files DIR            copy DIR into the in-memory site at start (symbolic links are not followed)
  --lock PATH            a site path held open by another process: RETR and STOR get the sharing violation,
                         repeatable (the path need not exist yet)
  --profile P            ftp75 (default) or iis6 (the FTP service before 7.5)
  --log FILE             append the W3C log to FILE (default: standard output)
  --pasv-ports A-B       passive ports (default: 49152-65535 above the system's ephemeral range)
  --timeouts LIST        any of control=120s,data=30s,unauth=30s,minrate=240 (bytes/s; 0 disables)
  --active-port N        local port of active-mode data connections (default 20; an ephemeral port when
                         the process may not bind it)
  --max-connections N    control connections at once (default ${DEFAULT_LIMITS.maxConnections}; more get 421)
  --max-per-ip N         control connections at once from one address (default ${DEFAULT_LIMITS.maxConnectionsPerIp})
  --max-upload-bytes N   bytes uploads may add to the site in memory (default 1GiB; more get 552)
  --login-delay D        how long the 530 of a failed login is held (default 1s)
  --seed S               seed of the W3C session ids and the first passive port (default: random)
  --trace                print every command, reply and data-connection change on standard error`;

const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '2121' },
  user: { type: 'string', multiple: true, default: [] },
  anonymous: { type: 'boolean', default: false },
  isolation: { type: 'string', default: 'None' },
  files: { type: 'string' },
  lock: { type: 'string', multiple: true, default: [] },
  profile: { type: 'string', default: 'ftp75' },
  log: { type: 'string' },
  'pasv-ports': { type: 'string' },
  timeouts: { type: 'string' },
  'active-port': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-per-ip': { type: 'string' },
  'max-upload-bytes': { type: 'string' },
  'login-delay': { type: 'string', default: '1s' },
  seed: { type: 'string' },
  trace: { type: 'boolean', default: false },
  help: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

const ISOLATION: readonly IsolationMode[] = [
  'None',
  'StartInUsersDirectory',
  'IsolateAllDirectories',
  'IsolateRootDirectoryOnly',
];

export const serveCommand: Command = {
  summary: 'the FTP 7.5 model on a real TCP port, for real FTP clients',
  async run(args) {
    const { values } = parse(args);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const isolation = values.isolation as IsolationMode;
    if (!ISOLATION.includes(isolation)) {
      throw new UsageError(`--isolation ${JSON.stringify(values.isolation)}: one of ${ISOLATION.join(', ')}`);
    }
    if (values.profile !== 'ftp75' && values.profile !== 'iis6') {
      throw new UsageError(`--profile ${JSON.stringify(values.profile)}: ftp75 or iis6`);
    }
    const users: LocalUser[] = values.user.map(parseUser);
    const config: FtpConfigInput = {
      profile: values.profile,
      users: { users, anonymous: values.anonymous, isolation },
      ...(values['pasv-ports'] !== undefined ? parsePortRange(values['pasv-ports']) : {}),
      ...(values.timeouts !== undefined ? parseTimeouts(values.timeouts) : {}),
      ...(values['active-port'] !== undefined
        ? { activeDataPort: wholeNumber('--active-port', values['active-port']) }
        : {}),
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
    };
    const limits: EmulatorOptions['limits'] = {
      loginFailDelay: values['login-delay'],
      ...(values['max-connections'] !== undefined
        ? { maxConnections: wholeNumber('--max-connections', values['max-connections']) }
        : {}),
      ...(values['max-per-ip'] !== undefined
        ? { maxConnectionsPerIp: wholeNumber('--max-per-ip', values['max-per-ip']) }
        : {}),
      ...(values['max-upload-bytes'] !== undefined
        ? { maxUploadBytes: parseBytes(values['max-upload-bytes'], '--max-upload-bytes') }
        : {}),
    };
    const log = openLog(values.log);
    const notice = (text: string) => process.stderr.write(`netstep serve: ${text}\n`);
    const emulator = await startEmulator({
      host: values.host,
      port: checkPort(wholeNumber('--port', values.port)),
      config,
      ...(values.files !== undefined ? { filesDir: values.files } : {}),
      locks: values.lock,
      limits,
      log: log.write,
      notice,
      ...(values.trace ? { observe: trace } : {}),
    }).catch((e: unknown) => {
      log.close();
      throw e;
    });
    const site = siteSize(emulator.fs());
    const range = config.passivePortLow === undefined ? defaultPassiveRange() : config;
    const who = [...users.map((u) => u.name), ...(values.anonymous ? ['anonymous'] : [])];
    notice(
      `FTP 7.5 model (profile ${values.profile}) listening on ${emulator.url}; ` +
        `users: ${who.length > 0 ? who.join(', ') : 'none (add --user NAME:PASSWORD or --anonymous)'}; ` +
        `${site.files} files, ${site.bytes} bytes; passive ports ${range.passivePortLow}-${range.passivePortHigh}; ` +
        `W3C log to ${values.log ?? 'standard output'}; Ctrl-C stops`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await emulator.close();
    log.close();
    notice('stopped');
    return 0;
  },
};

/** parseArgs in strict mode, its complaints (unknown option, missing value) as usage errors (exit 2). */
function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError((e as Error).message);
    throw e;
  }
}

function wholeNumber(option: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} ${JSON.stringify(text)}: a whole number`);
  return Number(text);
}

/**
 * The W3C log: appended to FILE (opened now, so that a bad path is a usage error before anything listens),
 * or written to standard output. Lines end with CRLF in a file, as IIS writes them, and LF on a terminal.
 *
 * The lines of one turn of the event loop are written together at its end (setImmediate): a RETR logs four
 * lines, and a write each took about 3% of the server's CPU in bench/emulator.ts. close() writes what is
 * gathered, so a stop loses nothing; a crash loses at most the lines of the turn it happened in.
 */
function openLog(file: string | undefined): { write: (line: string) => void; close: () => void } {
  let out: (text: string) => void;
  let eol: string;
  let fd: number | null = null;
  if (file === undefined) {
    out = (text) => process.stdout.write(text);
    eol = '\n';
  } else {
    try {
      fd = openSync(file, 'a');
    } catch (e) {
      throw new UsageError(`--log ${file}: ${(e as Error).message}`);
    }
    const to = fd;
    out = (text) => writeSync(to, text);
    eol = '\r\n';
  }
  let gathered = '';
  let due = false;
  const flush = () => {
    due = false;
    if (gathered === '') return;
    const text = gathered;
    gathered = '';
    out(text);
  };
  return {
    write: (line) => {
      gathered += line + eol;
      if (due) return;
      due = true;
      setImmediate(flush);
    },
    close: () => {
      flush();
      if (fd !== null) closeSync(fd);
    },
  };
}

/** --trace: one line per command, reply and data-connection change, with the seconds since start. */
function trace(e: Observed): void {
  if (e.kind !== 'output') return;
  const o = e.output;
  const at = `${(e.at / 1e9).toFixed(3)}s`.padStart(10);
  if (o.kind === 'control-write') {
    process.stderr.write(`${at} ${o.session} < ${o.text.trimEnd().replaceAll('\r\n', '\n           ')}\n`);
  } else if (o.kind === 'note' && o.note.what === 'command') {
    process.stderr.write(`${at} ${o.session} > ${o.note.line}\n`);
  } else if (o.kind === 'note' && o.note.what === 'data-state') {
    process.stderr.write(`${at} ${o.session} data#${o.note.data} ${o.note.from} -> ${o.note.to}\n`);
  }
}
