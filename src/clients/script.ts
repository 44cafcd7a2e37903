/**
 * The vocabulary of an FTP client's script, as the client model runs it: the steps (high-level ones that
 * speak FTP, low-level ones that poke the control or data connection), the knobs that make a race
 * reproducible (when the data connection is opened, when the transfer command is sent, how fast the data is
 * read), and the client models (the correct client and the named broken behaviours, behaviours.ts).
 *
 * These are the validated, normalised values (times in nanoseconds, bytes as Uint8Array). What a scenario
 * author writes, and its checking, is in src/scenario/validate-clients.ts.
 */

import type { Endpoint } from '../../sim/tcp/segment.ts';
import { formatDuration, type Time } from '../../sim/time.ts';

/** PASV, EPSV (RFC 2428), PORT, EPRT (RFC 2428). */
export type TransferMode = 'passive' | 'epsv' | 'active' | 'eprt';
export const TRANSFER_MODES: readonly TransferMode[] = ['passive', 'epsv', 'active', 'eprt'];

/** Named behaviours of real broken clients; each is described, with its source, in behaviours.ts. */
export type Behaviour =
  | 'expects-150'
  | 'closes-data-on-226'
  | 'reads-control-first'
  | 'keeps-old-data-open'
  | 'waits-for-150-before-upload'
  | 'lf-line-endings'
  | 'low-data-port';

export type ClientModel = 'correct' | Behaviour;

/**
 * A reply code to wait for or to accept: an exact code (226) or a class ('2xx'). A class matches every
 * code of its first digit.
 */
export type CodeMatch = number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export function codeMatches(m: CodeMatch, code: number): boolean {
  return typeof m === 'number' ? m === code : Math.floor(code / 100) === Number(m[0]);
}

export function codeText(m: CodeMatch | readonly CodeMatch[]): string {
  return Array.isArray(m) ? m.map((c) => String(c)).join(' or ') : String(m);
}

/**
 * How the client reads a data connection: `null` reads whatever arrives at once (the socket's autoRead);
 * otherwise at most `bytes` every `every`, so the receive window fills and the server's sending stalls.
 */
export interface Reader {
  readonly bytes: number;
  readonly every: Time;
}

/** Per-transfer knobs; a step may set them, the client gives the defaults. */
export interface TransferKnobs {
  readonly mode: TransferMode;
  /** Passive: from the 227/229 reply to the data connect. */
  readonly connectDelay: Time;
  /**
   * From the 227/229 reply (passive) or the 200 reply (active) to sending the transfer command. 0 sends it
   * in the same instant as the connect (after it), as most clients do; a delay longer than the data
   * handshake lets the server see the connection first (and answer 125 instead of 150).
   */
  readonly commandDelay: Time;
  /** Local port of the data connection (passive) or of the listener (active); null: the client picks. */
  readonly localPort: number | null;
  readonly reader: Reader | null;
}

export type TransferKind = 'list' | 'nlst' | 'retr' | 'stor' | 'appe';

export interface TransferStep extends TransferKnobs {
  readonly do: TransferKind;
  /** The argument as sent (null: none, for LIST and NLST). */
  readonly path: string | null;
  /** NLST/LIST options such as '-l' (sent before the path). */
  readonly options: string | null;
  /** Upload content (STOR, APPE). */
  readonly data: Uint8Array | null;
  /** The final reply that counts as success (default '2xx'); e.g. 550 for a transfer meant to be refused. */
  readonly expect: CodeMatch;
}

export type Step =
  /** USER, then PASS if the server asks for it (331). */
  | { readonly do: 'login'; readonly user: string; readonly pass: string }
  | { readonly do: 'cwd'; readonly path: string }
  | { readonly do: 'type'; readonly type: 'A' | 'I' }
  /** Any command line; waits for its final reply and checks it against `expect` (default: below 400). */
  | { readonly do: 'command'; readonly line: string; readonly expect: readonly CodeMatch[] | null }
  | TransferStep
  /** QUIT, wait for 221, close the control connection. */
  | { readonly do: 'quit' }
  // ---- low level ----
  /** Raw bytes on the control connection, as given (no line ending added); does not wait. */
  | { readonly do: 'send'; readonly bytes: Uint8Array }
  /** Pause for a duration. */
  | { readonly do: 'wait'; readonly for: Time }
  /** Read replies until one matches (replies before it are consumed). */
  | { readonly do: 'wait-reply'; readonly reply: CodeMatch }
  /** Connect a data connection to the endpoint of the last 227/229 reply, from `localPort` if given. */
  | { readonly do: 'open-data'; readonly localPort: number | null }
  | { readonly do: 'close'; readonly what: 'control' | 'data' }
  | { readonly do: 'abort'; readonly what: 'control' | 'data' };

export type StepKind = Step['do'];

export interface ClientSpec {
  /** Unique among the scenario's clients; names the client in traces and expectations. */
  readonly name: string;
  readonly host: string;
  /** The FTP server's control endpoint. */
  readonly server: Endpoint;
  readonly model: ClientModel;
  /** When the client opens its control connection. */
  readonly start: Time;
  /** Pause between the end of one step and the start of the next. */
  readonly think: Time;
  /** A step still waiting after this long fails ('timed out'); null: the client waits forever. */
  readonly timeout: Time | null;
  /** Line ending of commands: CRLF, or LF alone for the lf-line-endings behaviour. */
  readonly eol: '\r\n' | '\n';
  /** First local port of data connections and listeners; null: the client's own range (see ftp-client.ts). */
  readonly dataPort: number | null;
  /** Keep the bytes of each transfer ('bytes', for expectations on content) or only count them. */
  readonly record: 'bytes' | 'count';
  readonly defaults: TransferKnobs;
  readonly script: readonly Step[];
}

/** A short text for a step, used in traces and expectation texts: 'retr a.txt (passive)'. */
export function stepText(step: Step): string {
  switch (step.do) {
    case 'login':
      return `login ${step.user}`;
    case 'cwd':
      return `cwd ${step.path}`;
    case 'type':
      return `type ${step.type}`;
    case 'command':
      return `command ${step.line}`;
    case 'list':
    case 'nlst':
    case 'retr':
    case 'stor':
    case 'appe': {
      const args = [step.options, step.path].filter((a) => a !== null).join(' ');
      return `${step.do}${args ? ` ${args}` : ''} (${step.mode})`;
    }
    case 'quit':
      return 'quit';
    case 'send':
      return `send ${JSON.stringify(new TextDecoder().decode(step.bytes))}`;
    case 'wait':
      return `wait ${formatDuration(step.for)}`;
    case 'wait-reply':
      return `wait for reply ${codeText(step.reply)}`;
    case 'open-data':
      return step.localPort === null
        ? 'open data connection'
        : `open data connection from port ${step.localPort}`;
    case 'close':
    case 'abort':
      return `${step.do} ${step.what} connection`;
    default:
      return step satisfies never;
  }
}

export function isTransfer(step: Step): step is TransferStep {
  return (
    step.do === 'list' || step.do === 'nlst' || step.do === 'retr' || step.do === 'stor' || step.do === 'appe'
  );
}
