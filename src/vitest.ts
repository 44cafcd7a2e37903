/**
 * netstep's vitest matchers. Import once in a test file (or in vitest's setupFiles):
 *
 *   import 'netstep/vitest';
 *
 *   expect(sim).toBeInTcpState('TIME-WAIT', 'server/data#2');   // or expect(snapshot).toBeInTcpState(...)
 *   expect(sim).toHaveSentReply(226, 'Transfer complete');
 *   expect(sim).toHappenBefore(dataSyn(), reply(200));
 *   expect(sim).toHaveLogLine({ method: 'RETR', status: 226 });
 *   expect(sim.step()).toSendNothing();                          // or a TCP Step, or a trace slice
 *
 * A failure shows the trace around the point as ladder lines. The assertions themselves are
 * src/api/matchers.ts; this file registers them and declares their types.
 */

import { expect } from 'vitest';
import type { TcpState } from '../sim/tcp/tcb.ts';
import * as m from './api/matchers.ts';
import type { LogFields, TextMatch } from './api/query-ftp.ts';

expect.extend({
  toBeInTcpState(received: unknown, state: TcpState, conn?: string) {
    return m.toBeInTcpState(this, received, state, conn);
  },
  toHaveSentReply(received: unknown, code: number | string, text?: TextMatch) {
    return m.toHaveSentReply(this, received, code, text);
  },
  toHappenBefore(received: unknown, a: m.EventRef, b: m.EventRef) {
    return m.toHappenBefore(this, received, a, b);
  },
  toHaveLogLine(received: unknown, fields: LogFields) {
    return m.toHaveLogLine(this, received, fields);
  },
  toSendNothing(received: unknown) {
    return m.toSendNothing(this, received);
  },
});

export interface NetstepMatchers<R = unknown> {
  /**
   * The connection is in this TCP state: on a connection snapshot (or Conn, or Tcb) alone, or on a
   * Simulation or World with the connection's name. A connection that has closed is in 'CLOSED'.
   */
  toBeInTcpState(state: TcpState, conn?: string): R;
  /** The server wrote a reply with this code ('2xx' for a class), whose text contains `text` (or matches it). */
  toHaveSentReply(code: number | string, text?: TextMatch): R;
  /** The first entry matching `a` comes before the first entry matching `b` (queries or entries). */
  toHappenBefore(a: m.EventRef, b: m.EventRef): R;
  /** The server wrote a W3C log line with these fields. */
  toHaveLogLine(fields: LogFields): R;
  /** No segment is sent: by a TCP Step, in a StepResult, or in a slice of the trace. */
  toSendNothing(): R;
}

// Declared on Matchers, which vitest's Assertion extends: a project that declares a matcher of the same name
// (a narrower toSendNothing of its own) then merges with these as overloads instead of clashing.
declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration has this default
  interface Matchers<T = any> extends NetstepMatchers<T> {}
}
