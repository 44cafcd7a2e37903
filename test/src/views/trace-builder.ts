/**
 * Hand-written traces for the view tests, written the way a packet trace reads: a time, a host, what
 * happened. Entries get their `seq` from their position, as the world numbers them.
 */

import { ACK, type Endpoint, FIN, PSH, type Segment, SYN } from '../../../sim/tcp/segment.ts';
import type { Time } from '../../../sim/time.ts';
import type { EntryOf, TraceEntry, TraceKind, TraceKinds } from '../../../sim/trace.ts';
import '../../../src/apps/ftp-trace.ts';
import type {} from '../../../sim/net/sockets.ts';

export const CLIENT: Endpoint = { addr: '10.0.0.1', port: 50000 };
export const SERVER: Endpoint = { addr: '10.0.0.2', port: 21 };
export const HOSTS = [
  { name: 'client', addr: CLIENT.addr },
  { name: 'server', addr: SERVER.addr },
];

const text = new TextEncoder();

/** A segment; `payload` as text or bytes. */
export function seg(
  src: Endpoint,
  dst: Endpoint,
  flags: number,
  seq: number,
  ack: number,
  payload: string | Uint8Array = '',
  extra: { wnd?: number; mss?: number } = {},
): Segment {
  return {
    src,
    dst,
    seq: seq >>> 0,
    ack: ack >>> 0,
    flags,
    wnd: extra.wnd ?? 65535,
    payload: typeof payload === 'string' ? text.encode(payload) : payload,
    ...(extra.mss !== undefined ? { mss: extra.mss } : {}),
  };
}

export class TraceBuilder {
  readonly trace: TraceEntry[] = [];
  private now: Time = 0;

  at(t: Time): this {
    this.now = t;
    return this;
  }

  add<K extends TraceKind>(host: string, kind: K, details: TraceKinds[K]): EntryOf<K> {
    const e = { seq: this.trace.length, at: this.now, host, kind, ...details } as unknown as EntryOf<K>;
    this.trace.push(e);
    return e;
  }

  send(from: string, to: string, s: Segment, conn = ''): this {
    this.add(from, 'seg-send', { seg: s, conn, to });
    return this;
  }

  recv(at: string, from: string, s: Segment, conn = ''): this {
    this.add(at, 'seg-recv', { seg: s, conn, from });
    return this;
  }

  drop(from: string, to: string, s: Segment, reason: EntryOf<'seg-drop'>['reason'], rule?: string): this {
    this.add(from, 'seg-drop', { seg: s, conn: '', to, reason, ...(rule ? { rule } : {}) });
    return this;
  }

  hold(from: string, to: string, s: Segment, rule: string): this {
    this.add(from, 'seg-hold', { seg: s, conn: '', to, rule });
    return this;
  }

  release(from: string, to: string, s: Segment, rule: string): this {
    this.add(from, 'seg-release', { seg: s, conn: '', to, rule });
    return this;
  }

  state(
    host: string,
    conn: string,
    from: EntryOf<'tcp-state'>['from'],
    to: EntryOf<'tcp-state'>['to'],
  ): this {
    this.add(host, 'tcp-state', { conn, from, to });
    return this;
  }

  command(host: string, session: string, line: string): this {
    this.add(host, 'ftp-command', { session, line });
    return this;
  }

  reply(host: string, session: string, code: number, replyText: string): this {
    this.add(host, 'ftp-reply', { session, code, text: replyText });
    return this;
  }
}

/**
 * A client logging in to an FTP server over a 1 ms path, as both hosts see it: every segment sent at one
 * millisecond and received at the next. The client's ISS is 16 below 2^32, so its numbers wrap.
 */
export const C_ISS = 0xfffffff0;
export const S_ISS = 0x7fff0000;

export function loginTrace(): TraceBuilder {
  const t = new TraceBuilder();
  const C = 'client/ctrl#1';
  const S = 'server/ctrl#1';
  const syn = seg(CLIENT, SERVER, SYN, C_ISS, 0, '', { mss: 1460 });
  const synAck = seg(SERVER, CLIENT, SYN | ACK, S_ISS, C_ISS + 1, '', { mss: 1460, wnd: 64240 });
  const ack = seg(CLIENT, SERVER, ACK, C_ISS + 1, S_ISS + 1);
  const banner = seg(SERVER, CLIENT, PSH | ACK, S_ISS + 1, C_ISS + 1, '220 Microsoft FTP Service\r\n', {
    wnd: 64240,
  });
  const user = seg(CLIENT, SERVER, PSH | ACK, C_ISS + 1, S_ISS + 28, 'USER anonymous\r\n');
  const ok = seg(SERVER, CLIENT, PSH | ACK, S_ISS + 28, C_ISS + 17, '331 Anonymous access allowed.\r\n', {
    wnd: 64240,
  });
  const fin = seg(CLIENT, SERVER, FIN | ACK, C_ISS + 17, S_ISS + 60);
  t.at(0).state('client', C, 'CLOSED', 'SYN-SENT').send('client', 'server', syn, C);
  t.at(1_000_000)
    .recv('server', 'client', syn)
    .state('server', S, 'LISTEN', 'SYN-RECEIVED')
    .send('server', 'client', synAck, S);
  t.at(2_000_000)
    .recv('client', 'server', synAck, C)
    .state('client', C, 'SYN-SENT', 'ESTABLISHED')
    .send('client', 'server', ack, C);
  t.at(3_000_000).recv('server', 'client', ack, S).state('server', S, 'SYN-RECEIVED', 'ESTABLISHED');
  t.reply('server', S, 220, '220 Microsoft FTP Service').send('server', 'client', banner, S);
  t.at(4_000_000).recv('client', 'server', banner, C).send('client', 'server', user, C);
  t.at(5_000_000).recv('server', 'client', user, S).command('server', S, 'USER anonymous');
  t.reply('server', S, 331, '331 Anonymous access allowed.').send('server', 'client', ok, S);
  t.at(6_000_000)
    .recv('client', 'server', ok, C)
    .send('client', 'server', fin, C)
    .state('client', C, 'ESTABLISHED', 'FIN-WAIT-1');
  t.at(7_000_000).recv('server', 'client', fin, S).state('server', S, 'ESTABLISHED', 'CLOSE-WAIT');
  return t;
}
