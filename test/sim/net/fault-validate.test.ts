import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { parseFaults } from '../../../sim/net/fault-validate.ts';
import { MS, SECOND } from '../../../sim/time.ts';

describe('parseFaults', () => {
  it('turns rules written as data into rules in nanoseconds, ids defaulting to their place', () => {
    expect(
      parseFaults([
        { action: 'drop', match: { flags: 'SYN' }, count: 1 },
        { id: 'slow', action: 'delay', by: '50ms', match: { from: 'server', srcPort: 21, since: '1s' } },
        { id: 'park', action: 'hold', until: '2.5s' },
        {
          id: 'cut',
          action: 'partition',
          oneWay: true,
          match: { connection: { a: 'client:*', b: '10.0.0.2:20' } },
        },
        { id: 'echo', action: 'duplicate', match: { port: 21, flags: ['data', '!PSH'], until: 3 * SECOND } },
      ]),
    ).toEqual([
      { id: 'faults[0]', action: 'drop', match: { flags: ['SYN'] }, count: 1 },
      { id: 'slow', action: 'delay', by: 50 * MS, match: { from: 'server', srcPort: 21, since: 1 * SECOND } },
      { id: 'park', action: 'hold', until: 2.5 * SECOND, match: {} },
      {
        id: 'cut',
        action: 'partition',
        oneWay: true,
        match: { connection: { a: { host: 'client' }, b: { addr: '10.0.0.2', port: 20 } } },
      },
      { id: 'echo', action: 'duplicate', match: { port: 21, flags: ['data', '!PSH'], until: 3 * SECOND } },
    ]);
  });

  it.each([
    ['not a list', { action: 'drop' }, /^faults: expected a list of fault rules/],
    [
      'a bad action',
      [{ action: 'mangle' }],
      /^faults\[0\]\.action: expected one of drop, delay, duplicate, hold, partition, got "mangle"$/,
    ],
    ['no action', [{}], /^faults\[0\]\.action: .* got nothing$/],
    [
      'a field of another action',
      [{ action: 'drop', by: '5ms' }],
      /^faults\[0\]\.by: unknown field of a 'drop' rule/,
    ],
    ['a delay without by', [{ action: 'delay' }], /^faults\[0\]\.by: a 'delay' rule needs a duration/],
    ['a bad duration', [{ action: 'delay', by: 'soon' }], /^faults\[0\]\.by: bad duration "soon"/],
    [
      'a zero count',
      [{ action: 'drop', count: 0 }],
      /^faults\[0\]\.count: must be a whole number >= 1, got 0$/,
    ],
    [
      'a counted partition',
      [{ action: 'partition', count: 1 }],
      /^faults\[0\]\.count: a partition drops everything/,
    ],
    ['a bad oneWay', [{ action: 'partition', oneWay: 'yes' }], /^faults\[0\]\.oneWay: /],
    [
      'a repeated id',
      [
        { id: 'x', action: 'drop' },
        { id: 'x', action: 'drop' },
      ],
      /^faults\[1\]\.id: "x" is already/,
    ],
    ['an empty id', [{ id: '', action: 'drop' }], /^faults\[0\]\.id: expected a non-empty name/],
    [
      'a typo in the filter',
      [{ action: 'drop', match: { dstport: 21 } }],
      /^faults\[0\]\.match\.dstport: unknown filter field/,
    ],
    [
      'a port out of range',
      [{ action: 'drop', match: { srcPort: 70000 } }],
      /^faults\[0\]\.match\.srcPort: expected a port number 0\.\.65535, got 70000$/,
    ],
    [
      'an unknown flag',
      [{ action: 'drop', match: { flags: ['ACK', 'SNY'] } }],
      /^faults\[0\]\.match\.flags\[1\]: unknown flag "SNY" \(known: SYN, FIN/,
    ],
    [
      'an empty window',
      [{ action: 'drop', match: { since: '2s', until: '1s' } }],
      /^faults\[0\]\.match\.until: the window \[since, until\) is empty/,
    ],
    [
      'a one-ended connection',
      [{ action: 'drop', match: { connection: { a: 'client:21' } } }],
      /^faults\[0\]\.match\.connection\.b: a connection needs both ends/,
    ],
    [
      'a bad endpoint port',
      [{ action: 'drop', match: { connection: { a: 'client:ftp', b: 'server' } } }],
      /^faults\[0\]\.match\.connection\.a: bad port in "client:ftp"/,
    ],
    [
      'a bad address',
      [{ action: 'drop', match: { connection: { a: { addr: '10.0.0.256' }, b: 'server' } } }],
      /^faults\[0\]\.match\.connection\.a\.addr: expected a dotted IPv4 address/,
    ],
    [
      'a bad direction',
      [{ action: 'drop', match: { connection: { a: 'x', b: 'y', direction: 'up' } } }],
      /^faults\[0\]\.match\.connection\.direction: expected one of a->b, b->a, both/,
    ],
  ])('rejects %s, naming the field', (_, input, message) => {
    expect(() => parseFaults(input)).toThrow(UsageError);
    expect(() => parseFaults(input)).toThrow(message);
  });

  it('names the rule list as the caller calls it', () => {
    expect(() => parseFaults([{ action: 'drop', count: -1 }], 'scenario.json: faults')).toThrow(
      /^scenario\.json: faults\[0\]\.count: /,
    );
  });
});
