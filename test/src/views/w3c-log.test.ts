import { describe, expect, it } from 'vitest';
import { w3cHeader } from '../../../src/ftp/w3c.ts';
import { w3cLogLines } from '../../../src/views/w3c-log.ts';
import { TraceBuilder } from './trace-builder.ts';

describe('the W3C log view', () => {
  const t = new TraceBuilder();
  const entry = {} as never;
  t.at(0).add('server', 'ftp-log', { session: 'g1', line: 'line one', entry });
  t.at(1).add('other', 'ftp-log', { session: 'g2', line: 'line of another server', entry });
  t.at(2).add('server', 'ftp-log', { session: 'g1', line: 'line two', entry });

  it("is the model's header, then the host's log lines in trace order", () => {
    expect(w3cLogLines(t.trace, 'server')).toEqual([...w3cHeader(0), 'line one', 'line two']);
  });

  it('takes every server when no host is named, and a header of the caller', () => {
    expect(w3cLogLines(t.trace, undefined, ['#Fields: x'])).toEqual([
      '#Fields: x',
      'line one',
      'line of another server',
      'line two',
    ]);
  });
});
