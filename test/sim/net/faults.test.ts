import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../sim/net/fault-validate.ts';
import {
  applyFaults,
  type FaultContext,
  type FaultRule,
  type FaultState,
  type FaultVerdict,
  NO_FAULTS_USED,
} from '../../../sim/net/faults.ts';
import { ACK, EMPTY, type Endpoint, FIN, PSH, RST, type Segment, SYN } from '../../../sim/tcp/segment.ts';
import { MS, SECOND } from '../../../sim/time.ts';

// An FTP client and server; the client's control connection is 50000 <-> 21, a data connection 50001 <-> 20.
const CLIENT: Endpoint = { addr: '10.0.0.1', port: 50000 };
const SERVER: Endpoint = { addr: '10.0.0.2', port: 21 };
const CLIENT_DATA: Endpoint = { addr: '10.0.0.1', port: 50001 };
const SERVER_DATA: Endpoint = { addr: '10.0.0.2', port: 20 };

function seg(src: Endpoint, dst: Endpoint, flags: number, text = ''): Segment {
  const payload = text === '' ? EMPTY : new TextEncoder().encode(text);
  return { src, dst, seq: 1000, ack: flags & ACK ? 2000 : 0, flags, wnd: 65535, payload };
}

const SYN_ = seg(CLIENT, SERVER, SYN);
const SYN_ACK = seg(SERVER, CLIENT, SYN | ACK);
const ACK_ = seg(CLIENT, SERVER, ACK);
const USER = seg(CLIENT, SERVER, PSH | ACK, 'USER anonymous\r\n');
const REPLY_331 = seg(SERVER, CLIENT, PSH | ACK, '331 Anonymous access allowed.\r\n');
const FIN_ACK = seg(CLIENT, SERVER, FIN | ACK);
const RST_ = seg(SERVER, CLIENT, RST);
const DATA_SYN = seg(SERVER_DATA, CLIENT_DATA, SYN); // active mode: the server opens from port 20
const DATA_ACK = seg(CLIENT_DATA, SERVER_DATA, SYN | ACK);

const UP = { from: 'client', to: 'server' } as const;
const DOWN = { from: 'server', to: 'client' } as const;

/** Sends segments through the rules in order; returns the verdicts, written short: 'pass', 'drop r1', ... */
function run(rules: readonly FaultRule[], sends: ReadonlyArray<[Segment, typeof UP | typeof DOWN, number?]>) {
  let state: FaultState = NO_FAULTS_USED;
  const verdicts: string[] = [];
  for (const [segment, dir, now = 0] of sends) {
    const ctx: FaultContext = { ...dir, now };
    const step = applyFaults(state, rules, segment, ctx);
    verdicts.push(short(step.verdict));
    state = step.state;
  }
  return { verdicts, state };
}

function short(v: FaultVerdict): string {
  switch (v.kind) {
    case 'pass':
      return 'pass';
    case 'drop':
      return v.action === 'partition' ? `partition ${v.rule}` : `drop ${v.rule}`;
    case 'delay':
      return `delay ${v.rule} ${v.by}`;
    case 'duplicate':
      return `duplicate ${v.rule}`;
    case 'hold':
      return v.until === undefined ? `hold ${v.rule}` : `hold ${v.rule} until ${v.until}`;
  }
}

const rules = (...specs: unknown[]) => parseFaults(specs);

describe('applyFaults', () => {
  it('with no rules passes everything and keeps its state', () => {
    const step = applyFaults(NO_FAULTS_USED, [], SYN_, { ...UP, now: 0 });
    expect(step.verdict).toEqual({ kind: 'pass' });
    expect(step.state).toBe(NO_FAULTS_USED);
  });

  it('drops the next matching SYN, and lets the retransmitted SYN through', () => {
    const r = rules({ id: 'lose-syn', action: 'drop', match: { flags: ['SYN', '!ACK'] }, count: 1 });
    expect(
      run(r, [
        [SYN_, UP, 0],
        [SYN_, UP, 1 * SECOND],
        [SYN_ACK, DOWN, 1 * SECOND + 5 * MS],
      ]).verdicts,
    ).toEqual(['drop lose-syn', 'pass', 'pass']);
  });

  it('counts only the matches it acts on, and keeps no count for rules without one', () => {
    const r = rules(
      { id: 'twice', action: 'drop', match: { flags: 'data' }, count: 2 },
      { id: 'always', action: 'duplicate', match: { from: 'server' } },
    );
    const { verdicts, state } = run(r, [
      [ACK_, UP],
      [USER, UP],
      [USER, UP],
      [REPLY_331, DOWN],
      [USER, UP],
    ]);
    expect(verdicts).toEqual(['pass', 'drop twice', 'drop twice', 'duplicate always', 'pass']);
    expect(state).toEqual({ twice: 2 });
  });

  it('lets the first matching rule decide, without spending a later rule', () => {
    const r = rules(
      { id: 'first', action: 'delay', by: '50ms', match: { dstPort: 21 }, count: 1 },
      { id: 'second', action: 'drop', match: { flags: 'data' }, count: 1 },
    );
    expect(
      run(r, [
        [USER, UP],
        [USER, UP],
        [USER, UP],
      ]).verdicts,
    ).toEqual([`delay first ${50 * MS}`, 'drop second', 'pass']);
  });

  it('counts a rule by its id whatever the id, even one an object already has', () => {
    const r = rules(
      { id: 'constructor', action: 'drop', count: 1 },
      { id: '__proto__', action: 'duplicate', count: 1 },
    );
    const { verdicts, state } = run(r, [
      [SYN_, UP],
      [SYN_, UP],
      [SYN_, UP],
    ]);
    expect(verdicts).toEqual(['drop constructor', 'duplicate __proto__', 'pass']);
    expect(Object.entries(state)).toEqual([
      ['constructor', 1],
      ['__proto__', 1],
    ]);
  });

  it('never changes the state it was given', () => {
    const r = rules({ id: 'r', action: 'drop', count: 3 });
    const before: FaultState = Object.freeze({ r: 1 });
    const step = applyFaults(before, r, SYN_, { ...UP, now: 0 });
    expect(before).toEqual({ r: 1 });
    expect(step.state).toEqual({ r: 2 });
  });
});

describe('filters', () => {
  const verdictFor = (match: unknown, segment: Segment, dir: typeof UP | typeof DOWN = UP, now = 0) =>
    run(rules({ id: 'f', action: 'drop', match }), [[segment, dir, now]]).verdicts[0];

  it.each([
    ['SYN', SYN_, true],
    ['SYN', SYN_ACK, true],
    [['SYN', '!ACK'], SYN_ACK, false],
    [['SYN', 'ACK'], SYN_ACK, true],
    ['FIN', FIN_ACK, true],
    ['FIN', ACK_, false],
    ['RST', RST_, true],
    ['ACK', SYN_, false],
    ['PSH', USER, true],
    ['data', USER, true],
    ['data', ACK_, false],
    ['!data', ACK_, true],
    ['pure-ack', ACK_, true],
    ['pure-ack', USER, false],
    ['pure-ack', FIN_ACK, false],
    ['pure-ack', SYN_ACK, false],
  ])('flags %j on %#: %s', (flags, segment, hit) => {
    expect(verdictFor({ flags }, segment)).toBe(hit ? 'drop f' : 'pass');
  });

  it('matches hosts and ports as given, in the direction given', () => {
    expect(verdictFor({ from: 'client' }, USER, UP)).toBe('drop f');
    expect(verdictFor({ from: 'client' }, REPLY_331, DOWN)).toBe('pass');
    expect(verdictFor({ to: 'client' }, REPLY_331, DOWN)).toBe('drop f');
    expect(verdictFor({ srcPort: 21 }, REPLY_331, DOWN)).toBe('drop f');
    expect(verdictFor({ srcPort: 21 }, USER, UP)).toBe('pass');
    expect(verdictFor({ dstPort: 21 }, USER, UP)).toBe('drop f');
    expect(verdictFor({ port: 21 }, USER, UP)).toBe('drop f');
    expect(verdictFor({ port: 21 }, REPLY_331, DOWN)).toBe('drop f');
    expect(verdictFor({ port: 20 }, USER, UP)).toBe('pass');
    expect(verdictFor({ from: 'client', dstPort: 20 }, USER, UP)).toBe('pass'); // every field must hold
  });

  it('matches a connection in both directions unless a direction is given', () => {
    const data = { a: 'server:20', b: 'client:*' };
    expect(verdictFor({ connection: data }, DATA_SYN, DOWN)).toBe('drop f');
    expect(verdictFor({ connection: data }, DATA_ACK, UP)).toBe('drop f');
    expect(verdictFor({ connection: data }, USER, UP)).toBe('pass');
    expect(verdictFor({ connection: { ...data, direction: 'a->b' } }, DATA_SYN, DOWN)).toBe('drop f');
    expect(verdictFor({ connection: { ...data, direction: 'a->b' } }, DATA_ACK, UP)).toBe('pass');
    expect(verdictFor({ connection: { ...data, direction: 'b->a' } }, DATA_ACK, UP)).toBe('drop f');
    expect(
      verdictFor({ connection: { a: '10.0.0.1:50000', b: { addr: '10.0.0.2', port: 21 } } }, REPLY_331, DOWN),
    ).toBe('drop f');
    expect(verdictFor({ connection: { a: '10.0.0.1:50001', b: '10.0.0.2:21' } }, REPLY_331, DOWN)).toBe(
      'pass',
    );
  });

  it('acts in the window [since, until): from since included to until excluded', () => {
    const window = { since: '1s', until: '2s' };
    expect(verdictFor(window, USER, UP, 1 * SECOND - 1)).toBe('pass');
    expect(verdictFor(window, USER, UP, 1 * SECOND)).toBe('drop f');
    expect(verdictFor(window, USER, UP, 2 * SECOND - 1)).toBe('drop f');
    expect(verdictFor(window, USER, UP, 2 * SECOND)).toBe('pass');
  });
});

describe('partition', () => {
  const cut = { from: 'client', to: 'server', since: '1s', until: '3s' };

  it('drops everything between the two hosts in its window, both ways', () => {
    const r = rules({ id: 'cut', action: 'partition', match: cut });
    expect(
      run(r, [
        [USER, UP, 1 * SECOND - 1],
        [USER, UP, 1 * SECOND],
        [REPLY_331, DOWN, 2 * SECOND],
        [REPLY_331, DOWN, 3 * SECOND],
      ]).verdicts,
    ).toEqual(['pass', 'partition cut', 'partition cut', 'pass']);
  });

  it('one way only when asked, with ports mirrored for the reverse direction', () => {
    const oneWay = rules({ id: 'cut', action: 'partition', match: cut, oneWay: true });
    expect(
      run(oneWay, [
        [USER, UP, 2 * SECOND],
        [REPLY_331, DOWN, 2 * SECOND],
      ]).verdicts,
    ).toEqual(['partition cut', 'pass']);
    const control = rules({ id: 'ctl', action: 'partition', match: { from: 'client', dstPort: 21 } });
    expect(
      run(control, [
        [USER, UP],
        [REPLY_331, DOWN],
        [DATA_SYN, DOWN],
      ]).verdicts,
    ).toEqual(['partition ctl', 'partition ctl', 'pass']);
  });
});

describe('actions', () => {
  it('delay, duplicate and hold say which rule and how', () => {
    const r = rules(
      { id: 'slow-226', action: 'delay', by: '50ms', match: { from: 'server', flags: 'data' }, count: 1 },
      { id: 'echo', action: 'duplicate', match: { flags: 'pure-ack' }, count: 1 },
      { id: 'park', action: 'hold', match: { flags: 'FIN' } },
    );
    expect(
      run(r, [
        [REPLY_331, DOWN],
        [ACK_, UP],
        [FIN_ACK, UP],
      ]).verdicts,
    ).toEqual([`delay slow-226 ${50 * MS}`, 'duplicate echo', 'hold park']);
  });

  it('a hold with a release time holds until then, and stops matching at that time', () => {
    const r = rules({ id: 'park', action: 'hold', until: '2s', match: { flags: 'data' } });
    expect(
      run(r, [
        [USER, UP, 0],
        [USER, UP, 2 * SECOND - 1],
        [USER, UP, 2 * SECOND],
      ]).verdicts,
    ).toEqual([`hold park until ${2 * SECOND}`, `hold park until ${2 * SECOND}`, 'pass']);
  });
});
