/**
 * Custom matchers that let TCP tests read like packet traces:
 *
 *   expect(step).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1) }]);
 *   expect(step).toSendNothing();
 *   expect(step).toBeInTcpState('ESTABLISHED');
 *   expect(step).toEmit('reset');
 *
 * A segment spec names the fields it cares about; `ctl` and `seq` always, and any of src, dst, ack, wnd,
 * len, data (the payload as latin1 text), mss. A failure prints both sides as trace lines.
 * Kept here until the project's shared matcher module exists.
 */

import { expect } from 'vitest';
import {
  flagNames,
  type Segment,
  type Step,
  type Tcb,
  type TcpOutput,
  type TcpState,
} from '../../../sim/tcp/index.ts';
import type { SegSpec } from './fixtures.ts';

function latin1(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** One segment as a trace line: `10.0.0.1:1025 > 10.0.0.2:21 SYN,ACK seq=.. ack=.. wnd=.. len=..`. */
export function traceLine(s: Segment): string {
  const parts = [
    `${s.src.addr}:${s.src.port} > ${s.dst.addr}:${s.dst.port}`,
    flagNames(s.flags),
    `seq=${s.seq}`,
  ];
  if (s.flags & 0x10) parts.push(`ack=${s.ack}`);
  parts.push(`wnd=${s.wnd}`, `len=${s.payload.length}`);
  if (s.mss !== undefined) parts.push(`mss=${s.mss}`);
  if (s.payload.length > 0 && s.payload.length <= 32) parts.push(JSON.stringify(latin1(s.payload)));
  return parts.join(' ');
}

function specLine(s: SegSpec): string {
  const parts: string[] = [];
  if (s.src && s.dst) parts.push(`${s.src.addr}:${s.src.port} > ${s.dst.addr}:${s.dst.port}`);
  parts.push(s.ctl, `seq=${s.seq}`);
  if (s.ack !== undefined) parts.push(`ack=${s.ack}`);
  if (s.wnd !== undefined) parts.push(`wnd=${s.wnd}`);
  const len = s.len ?? s.data?.length;
  if (len !== undefined) parts.push(`len=${len}`);
  if (s.mss !== undefined) parts.push(`mss=${s.mss}`);
  if (s.data !== undefined && s.data.length <= 32) parts.push(JSON.stringify(s.data));
  return parts.join(' ');
}

function matches(seg: Segment, spec: SegSpec): boolean {
  if (flagNames(seg.flags) !== spec.ctl || seg.seq !== spec.seq) return false;
  if (spec.src && (spec.src.addr !== seg.src.addr || spec.src.port !== seg.src.port)) return false;
  if (spec.dst && (spec.dst.addr !== seg.dst.addr || spec.dst.port !== seg.dst.port)) return false;
  if (spec.ack !== undefined && seg.ack !== spec.ack) return false;
  if (spec.wnd !== undefined && seg.wnd !== spec.wnd) return false;
  if (spec.mss !== undefined && seg.mss !== spec.mss) return false;
  if (spec.len !== undefined && seg.payload.length !== spec.len) return false;
  if (spec.data !== undefined && latin1(seg.payload) !== spec.data) return false;
  return true;
}

/** The segments a step sends. */
export function segmentsOf(step: Step): Segment[] {
  const out: Segment[] = [];
  for (const o of step.out) if (o.kind === 'segment') out.push(o.seg);
  return out;
}

function stateOf(x: Step | Tcb): TcpState {
  return 'tcb' in x ? x.tcb.state : x.state;
}

expect.extend({
  toSend(received: Step, expected: SegSpec[]) {
    const sent = segmentsOf(received);
    const pass = sent.length === expected.length && sent.every((s, i) => matches(s, expected[i]!));
    return {
      pass,
      message: () =>
        `expected the step ${pass ? 'not ' : ''}to send\n  ${expected.map(specLine).join('\n  ') || '(nothing)'}\n` +
        `but it sent\n  ${sent.map(traceLine).join('\n  ') || '(nothing)'}`,
    };
  },
  toSendNothing(received: Step) {
    const sent = segmentsOf(received);
    return {
      pass: sent.length === 0,
      message: () => `expected nothing to be sent, but the step sent\n  ${sent.map(traceLine).join('\n  ')}`,
    };
  },
  toBeInTcpState(received: Step | Tcb, state: TcpState) {
    const actual = stateOf(received);
    return {
      pass: actual === state,
      message: () => `expected TCP state ${this.isNot ? 'not ' : ''}${state}, got ${actual}`,
    };
  },
  toEmit(received: Step, kind: TcpOutput['kind'] | Partial<TcpOutput>) {
    const want = typeof kind === 'string' ? { kind } : kind;
    const pass = received.out.some((o) =>
      Object.entries(want).every(([k, v]) => (o as unknown as Record<string, unknown>)[k] === v),
    );
    const kinds = received.out.map((o) => (o.kind === 'segment' ? 'segment' : JSON.stringify(o)));
    return {
      pass,
      message: () =>
        `expected the step ${pass ? 'not ' : ''}to emit ${JSON.stringify(want)}; it emitted ${kinds.join(', ')}`,
    };
  },
});

interface TcpMatchers<R = unknown> {
  toSend(expected: SegSpec[]): R;
  toSendNothing(): R;
  toBeInTcpState(state: TcpState): R;
  toEmit(kind: TcpOutput['kind'] | Partial<TcpOutput>): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the shape vitest declares
  interface Matchers<T = any> extends TcpMatchers<T> {}
}
