/**
 * SessionOrder with a carrier that records what it carries out, in the order it does: the 226 that follows
 * a data-close is carried out only once the wait is over (the driver ends it on the data socket's 'finish'),
 * later steps of the session queue behind it, and other sessions go on meanwhile.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import { type Batch, SessionOrder } from '../../../src/emulator/order.ts';
import type { FtpOutput } from '../../../src/ftp/io.ts';

const bytes = new Uint8Array();
const reply = (session: string, code: number): FtpOutput => ({
  kind: 'control-write',
  session,
  code,
  text: `${code}\r\n`,
  bytes,
});
const close = (session: string, data = 1): FtpOutput => ({ kind: 'data-close', session, data });
const send = (session: string, data = 1): FtpOutput => ({ kind: 'data-send', session, data, bytes });

function batch(session: string | null, outputs: FtpOutput[], now = 0): Batch {
  return { session, outputs, gates: new Set(), now, next: 0 };
}

/** What was carried out, as 'c1 226' or 'c1 data-close', and which sessions settled, in one list. */
let done: string[];
let running: boolean;
let clock: number;
let order: SessionOrder;

beforeEach(() => {
  done = [];
  running = true;
  clock = 0;
  order = new SessionOrder({
    perform: (o, _gate, now) => {
      done.push(
        `${o.kind === 'control-write' ? `${o.session} ${o.code}` : `${'session' in o ? o.session : '-'} ${o.kind}`} @${now}`,
      );
      // data-close waits for its FIN, as the driver's does.
      return o.kind === 'data-close';
    },
    settled: (id) => done.push(`${id} settled`),
    running: () => running,
    now: () => clock,
    notice: (text) => done.push(`notice ${text}`),
  });
});

describe('SessionOrder', () => {
  it('carries out a batch with no wait at once, then says the session is settled', () => {
    order.carryOut(batch('c1', [send('c1'), reply('c1', 150)]));
    expect(done).toEqual(['c1 data-send @0', 'c1 150 @0', 'c1 settled']);
    expect(order.waits('c1')).toBe(false);
  });

  it('holds the 226 behind a data-close until resume, stamped with the time it goes', () => {
    order.carryOut(batch('c1', [send('c1'), close('c1'), reply('c1', 226)]));
    expect(done).toEqual(['c1 data-send @0', 'c1 data-close @0']);
    expect(order.waits('c1')).toBe(true);
    clock = 7;
    expect(order.resume('c1')).toBe(true);
    expect(done.slice(2)).toEqual(['c1 226 @7', 'c1 settled']);
    expect(order.waits('c1')).toBe(false);
  });

  it('queues the later steps of a waiting session, and lets other sessions go on', () => {
    order.carryOut(batch('c1', [close('c1'), reply('c1', 226)]));
    order.carryOut(batch('c1', [reply('c1', 227)]));
    order.carryOut(batch('c2', [reply('c2', 200)]));
    expect(done).toEqual(['c1 data-close @0', 'c2 200 @0', 'c2 settled']);
    order.resume('c1');
    expect(done.slice(3)).toEqual(['c1 226 @0', 'c1 227 @0', 'c1 settled']);
  });

  it('waits after a data-close that ends its step too: the next step of the session waits for it', () => {
    order.carryOut(batch('c1', [reply('c1', 226), close('c1')]));
    order.carryOut(batch('c1', [reply('c1', 221)]));
    expect(done).toEqual(['c1 226 @0', 'c1 data-close @0']);
    order.resume('c1');
    expect(done.slice(2)).toEqual(['c1 221 @0', 'c1 settled']);
  });

  it('waits again at a second data-close met after a resume, keeping the steps behind it', () => {
    order.carryOut(batch('c1', [close('c1', 1), reply('c1', 226), close('c1', 2), reply('c1', 226)]));
    order.carryOut(batch('c1', [reply('c1', 221)]));
    expect(order.resume('c1')).toBe(false);
    expect(done).toEqual(['c1 data-close @0', 'c1 226 @0', 'c1 data-close @0']);
    expect(order.resume('c1')).toBe(true);
    expect(done.slice(3)).toEqual(['c1 226 @0', 'c1 221 @0', 'c1 settled']);
  });

  it('does nothing on a resume of a session that does not wait', () => {
    expect(order.resume('c9')).toBe(false);
    expect(done).toEqual([]);
  });

  it('carries out nothing more once stopped', () => {
    order.carryOut(batch('c1', [close('c1'), reply('c1', 226)]));
    running = false;
    expect(order.resume('c1')).toBe(false);
    expect(done).toEqual(['c1 data-close @0']);
  });

  it('carries out the outputs of a step of no session, which never waits', () => {
    order.carryOut(batch(null, [close('c1'), reply('c1', 226)]));
    expect(done).toEqual(['c1 data-close @0', 'c1 226 @0']);
  });
});
