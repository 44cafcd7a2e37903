/**
 * The values of the socket facade (sockets.ts): what an application is, the events it gets, and the
 * records the facade keeps in the world for each connection and listener.
 */

import type * as tcp from '../tcp/index.ts';
import type { Endpoint, Segment } from '../tcp/segment.ts';
import type { Time } from '../time.ts';
import type { Route } from './network.ts';

export interface AppRef {
  /** The application's handler is registered as `app:<type>`. */
  readonly type: string;
  readonly id: string;
  /**
   * A world slot (World.slot) the application wants handed back with each of its events, typically where
   * its own state lives, so that it finds that state without a key lookup. Optional.
   */
  readonly slot?: number;
}

export type SocketEvent =
  /** A passive open completed on a listener: a new connection, established. */
  | { readonly kind: 'accepted'; readonly conn: string; readonly port: number; readonly remote: Endpoint }
  /** An active open completed. */
  | { readonly kind: 'connected'; readonly conn: string }
  /** In-order bytes arrived; with autoRead they are in `bytes`, without it the app calls read(). */
  | { readonly kind: 'data'; readonly conn: string; readonly bytes: Uint8Array }
  | { readonly kind: 'readable'; readonly conn: string }
  /** The peer sent FIN: no more data will arrive. */
  | { readonly kind: 'peer-closed'; readonly conn: string }
  /**
   * The close handshake is done: both FINs sent and acknowledged. Sent once, when the connection enters
   * TIME-WAIT (the side that closed first) or CLOSED (the other side), as a real socket's close completes
   * while the kernel keeps TIME-WAIT to itself; also after the application's own abort(). Not sent after
   * reset, refused or timed-out, which are the last event then.
   */
  | { readonly kind: 'closed'; readonly conn: string }
  /** Bytes written earlier have left the send buffer: it is below `sendBuffer` again (after send returned false). */
  | { readonly kind: 'drained'; readonly conn: string }
  | { readonly kind: 'reset'; readonly conn: string }
  | { readonly kind: 'refused'; readonly conn: string }
  | { readonly kind: 'timed-out'; readonly conn: string };

export interface AppCall {
  readonly app: string;
  /** The AppRef's slot, or -1 when it gave none. */
  readonly slot: number;
  readonly ev: SocketEvent;
}

export interface Conn {
  readonly name: string;
  /** The world slot this record is kept in (World.slot of `conn:<name>`): found without a key lookup. */
  readonly slot: number;
  /** How the network carries this connection's segments, worked out when it was made. */
  readonly route: Route;
  readonly host: string;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly tcb: tcp.Tcb;
  readonly app: AppRef;
  readonly autoRead: boolean;
  /** The time of this connection's pending timer event, or null. */
  readonly timerAt: Time | null;
  /** Set on a connection that a listener accepted: the listener's port. */
  readonly listener: number | null;
  readonly label: string;
  /** Bytes the application may leave unacknowledged before send() returns false. */
  readonly sendBuffer: number;
  /** send() returned false: a 'drained' event is owed. */
  readonly wantDrain: boolean;
  /** 'closed' (or reset/refused/timed-out) has been delivered: the application is done with it. */
  readonly appDone: boolean;
  /** 'connected' or 'accepted' has been delivered. */
  readonly announced: boolean;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  readonly backlog: number;
  readonly app: AppRef;
  readonly label: string;
  readonly autoRead: boolean;
  /** While true, SYNs are kept unanswered in `held` (the peer retransmits); released by holdAccepts(false). */
  readonly hold: boolean;
  readonly held: readonly Segment[];
  /** Connections of this listener still in SYN-RECEIVED, counted against the backlog. */
  readonly embryonic: number;
}
