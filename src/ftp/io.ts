/**
 * What goes into the FTP 7.5 server model and what comes out: the closed unions a driver (the simulator's
 * adapter over simulated TCP, or the emulator over node:net) speaks. The model never does I/O; it returns
 * outputs that the driver carries out.
 *
 * Calling order (sans-IO, quinn-proto style):
 *
 *   let server = createServer(config, fs);
 *   // for every event the driver sees, in the order it sees them:
 *   ({ server, outputs } = handle(server, input, now));
 *   // carry out `outputs` in list order before feeding the next input (the order is the behaviour:
 *   // a data-connect before the 200 reply, a data-close before the 226 reply, ...);
 *   // then ask when the model wants to be woken:
 *   const at = nextDeadline(server);        // null: nothing pending
 *   // when the clock reaches `at` (or at any other time: calling early or twice is harmless):
 *   ({ server, outputs } = handleTimeout(server, now));
 *
 * Identities: a control connection is named by the driver (`session`, any string unique among live
 * sessions). A data connection is named by the model (`data`, a number unique within its session) in the
 * output that creates it (data-listen, data-connect); every event about it carries the same pair.
 *
 * Listeners: every data-listen is answered by the driver with data-listening (or data-listen-failed, which
 * the client sees as 425); the PASV/EPSV reply waits for it. A listener takes one connection (data-accepted),
 * then the model stops it. `hold` and data-release implement FTP 7.5's wait for the previous data connection.
 *
 * Flow control of downloads: the model hands at most `config.sendChunkBytes` to one data-send and then waits
 * for data-drained before the next. A driver whose buffers are unbounded may answer every data-send with
 * data-drained at once; a driver with a transport answers when the transport has taken the bytes (node's
 * 'drain', or the simulated socket's send buffer having room again). The minimum-bandwidth rule counts bytes
 * when they drain.
 *
 * Many sessions: an input reads and writes only the session it names and the site-wide fields of the server
 * value, so a driver may keep sessions apart and hand `handle` a value holding just the one concerned (see
 * server.ts, "Scale"); `handleTimeout` and `nextDeadline` then work per session the same way.
 *
 * Late events: an event for a session that has ended, or for a data connection the session has forgotten,
 * is ignored (a trace note says so): a driver may deliver what was in flight when the model closed something.
 */

import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { Lock } from './fs.ts';
import type { LogEntry } from './w3c.ts';

/** Why an active (PORT/EPRT) connect failed, as the driver saw it. */
export type ConnectFailure = 'refused' | 'timeout' | 'unreachable';

export type FtpInput =
  // ---- control connection ----
  /** A client connected to the FTP port (the handshake is complete). The model writes the banner. */
  | {
      readonly kind: 'control-opened';
      readonly session: string;
      readonly client: Endpoint;
      readonly server: Endpoint;
    }
  | { readonly kind: 'control-bytes'; readonly session: string; readonly bytes: Uint8Array }
  /** The client closed its side (FIN). The model closes the session. */
  | { readonly kind: 'control-peer-closed'; readonly session: string }
  /** The control connection was reset or failed. The model ends the session without writing. */
  | { readonly kind: 'control-reset'; readonly session: string }
  // ---- data connections ----
  /** A data-listen was carried out: the port is listening. */
  | { readonly kind: 'data-listening'; readonly session: string; readonly data: number }
  /** A data-listen could not be carried out (the port is taken, permission, ...). */
  | { readonly kind: 'data-listen-failed'; readonly session: string; readonly data: number }
  /**
   * A client connection on a listener completed its handshake. One per listener: the model stops listening
   * after it (data-stop-listening); a connection that completes before the driver carried that out is the
   * driver's to reset. While the listener is held (see data-listen)
   * a driver should not let connections complete; if it does anyway (the emulator), the model keeps the
   * accepted connection aside and treats it as established only when it releases the listener.
   */
  | {
      readonly kind: 'data-accepted';
      readonly session: string;
      readonly data: number;
      readonly remote: Endpoint;
    }
  /** An active connect (data-connect) completed its handshake. */
  | { readonly kind: 'data-connected'; readonly session: string; readonly data: number }
  | {
      readonly kind: 'data-connect-failed';
      readonly session: string;
      readonly data: number;
      readonly reason: ConnectFailure;
    }
  | {
      readonly kind: 'data-bytes';
      readonly session: string;
      readonly data: number;
      readonly bytes: Uint8Array;
    }
  /** The transport has taken every byte of earlier data-sends and can take more. */
  | { readonly kind: 'data-drained'; readonly session: string; readonly data: number }
  /** The client closed its side of the data connection (FIN received). */
  | { readonly kind: 'data-peer-closed'; readonly session: string; readonly data: number }
  /** The data connection is fully closed: both FINs sent and acknowledged (the close handshake is done). */
  | { readonly kind: 'data-closed'; readonly session: string; readonly data: number }
  /** The data connection was reset (RST received) or failed. */
  | { readonly kind: 'data-reset'; readonly session: string; readonly data: number }
  // ---- the site ----
  /** Another process opens a file (owner 'external'), from lock.from until lock.until. */
  | { readonly kind: 'lock'; readonly lock: Lock }
  | { readonly kind: 'unlock'; readonly path: string; readonly owner: string };

export type FtpOutput =
  /** Write these bytes (one reply, possibly multi-line) on the control connection. */
  | {
      readonly kind: 'control-write';
      readonly session: string;
      readonly code: number;
      readonly text: string;
      readonly bytes: Uint8Array;
    }
  /** Close the control connection (FIN) after what was written. The session is over for the model. */
  | { readonly kind: 'control-close'; readonly session: string }
  /**
   * Listen on `local` for one data connection. `hold`: do not complete handshakes on it (leave the client's
   * SYN unanswered) until a data-release for it; FTP 7.5's PASV waiting for the previous data connection.
   */
  | {
      readonly kind: 'data-listen';
      readonly session: string;
      readonly data: number;
      readonly local: Endpoint;
      readonly hold: boolean;
    }
  /** Let a held listener complete handshakes from now on. */
  | { readonly kind: 'data-release'; readonly session: string; readonly data: number }
  /** Stop listening (after the one accepted connection, or because the listener is no longer wanted). */
  | { readonly kind: 'data-stop-listening'; readonly session: string; readonly data: number }
  /** Open a data connection from `local` (port 20 unless configured) to the client's `remote`. */
  | {
      readonly kind: 'data-connect';
      readonly session: string;
      readonly data: number;
      readonly local: Endpoint;
      readonly remote: Endpoint;
    }
  | {
      readonly kind: 'data-send';
      readonly session: string;
      readonly data: number;
      readonly bytes: Uint8Array;
    }
  /** Close the data connection gracefully (FIN after what was sent). */
  | { readonly kind: 'data-close'; readonly session: string; readonly data: number }
  /** Abort the data connection (RST; what was not sent is discarded), or abandon a connect in progress. */
  | { readonly kind: 'data-abort'; readonly session: string; readonly data: number }
  /** A W3C log entry (w3c.ts formats it). */
  | { readonly kind: 'log'; readonly entry: LogEntry }
  /** A note for the trace: not an action. */
  | { readonly kind: 'note'; readonly session: string; readonly note: TraceNote };

/** Names of the model's timers, each with the substatus it logs when it fires. */
export type TimerName =
  | 'unauthenticated' // substatus 16: no login within unauthenticatedTimeout
  | 'control-idle' // substatus 14: no command within controlChannelTimeout
  | 'data-open' // substatus 15: the data connection did not open within dataChannelTimeout
  | 'data-idle' // substatus 15: an open data connection moved nothing for dataChannelTimeout
  | 'min-bandwidth' // substatus 50: slower than minBytesPerSecond
  | 'passive-wait' // substatus 15: a PASV reply waited dataChannelTimeout for the previous connection (pasvWait 'reply')
  | 'close-wait'; // iis6: the close handshake did not finish within dataChannelTimeout

export type TraceNote =
  | { readonly what: 'command'; readonly line: string }
  /** A command line waits behind a command in progress (a transfer, a PASV). */
  | { readonly what: 'queued'; readonly line: string }
  | { readonly what: 'data-state'; readonly data: number; readonly from: string; readonly to: string }
  | { readonly what: 'timer'; readonly timer: TimerName }
  | { readonly what: 'ignored'; readonly input: FtpInput['kind']; readonly why: string };
