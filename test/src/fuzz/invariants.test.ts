/**
 * The invariants as pure functions, each shown catching a planted violation and passing the same events
 * without it. (invariants-planted.test.ts plants violations in the traces of real runs.)
 */
import { describe, expect, it } from 'vitest';
import { MS, SECOND } from '../../../sim/time.ts';
import { checkClientEnd } from '../../../src/fuzz/invariants/client-contract.ts';
import { checkLiveness, livenessBound } from '../../../src/fuzz/invariants/liveness.ts';
import { type ControlEvent, pairReplies } from '../../../src/fuzz/invariants/replies.ts';
import { checkTransfers } from '../../../src/fuzz/invariants/transfers.ts';
import { checkSessionLog, type LogLine } from '../../../src/fuzz/invariants/w3c-log.ts';

/** A session's control events from a compact script: '> LINE' a command, '< 226' a reply, 'x' closed. */
function session(...script: string[]): ControlEvent[] {
  return script.map((s, seq) => {
    if (s === 'x') return { kind: 'closed', seq };
    if (s.startsWith('> ')) return { kind: 'command', line: s.slice(2), seq };
    return { kind: 'reply', code: Number(s.slice(2)), seq };
  });
}

describe('one-final-reply', () => {
  const ok: Array<[string, string[]]> = [
    [
      'banner, login, transfer with 150',
      ['< 220', '> USER a', '< 331', '> PASS b', '< 230', '> PASV', '< 227', '> RETR f', '< 150', '< 226'],
    ],
    ['125 instead of 150', ['< 220', '> RETR f', '< 125', '< 226']],
    [
      'ABOR during a transfer: 426 for it, 226 for ABOR',
      ['< 220', '> RETR f', '< 150', '> ABOR', '< 426', '< 226'],
    ],
    ['a timeout closes an idle session', ['< 220', '> NOOP', '< 200', '< 421', 'x']],
    ['a 421 ends the session with a command in progress', ['< 220', '> RETR f', '< 150', '< 421', 'x']],
    ['a 421 refuses the session before any command', ['< 421', 'x']],
    ['the client hangs up mid-command', ['< 220', '> RETR f', '< 150', 'x']],
    ['a reply written after the close is not carried', ['< 220', '> QUIT', '< 221', 'x', '< 500']],
    [
      'any error answers any command, even an unknown one',
      ['< 220', '> XYZZY', '< 500', '> RETR f', '< 550', '> AUTH TLS', '< 534'],
    ],
    [
      'the X-forms and CDUP answered 250',
      ['< 220', '> XPWD', '< 257', '> cdup', '< 250', '> EPSV ALL', '< 200'],
    ],
  ];
  it.each(ok)('holds: %s', (_, script) => {
    expect(pairReplies('s', session(...script), true).violation).toBeNull();
  });

  const bad: Array<[string, string[], string]> = [
    ['a second final reply', ['< 220', '> NOOP', '< 200', '< 200'], 'reply 200 answers no command'],
    [
      'two preliminary replies',
      ['< 220', '> RETR f', '< 125', '< 150', '< 226'],
      "a second preliminary reply 150 to 'RETR f'",
    ],
    [
      'a command never answered in an open session',
      ['< 220', '> NOOP', '> PWD', '< 200'],
      "no final reply to 'PWD' and the session is still open",
    ],
    ['a 1xx with no command', ['< 220', '< 150'], 'reply 150 answers no command'],
    // RFC 959 §5.4: each reply must be one its command may get, so a lost reply is caught where it is lost.
    [
      'a lost 226 (the PASV reply lands on RETR)',
      ['< 220', '> RETR f', '< 150', '> PASV', '< 227'],
      "reply 227 to 'RETR f', which RFC 959 §5.4 does not allow",
    ],
    [
      'a 1xx to a command that takes none',
      ['< 220', '> NOOP', '< 150', '< 200'],
      "preliminary reply 150 to 'NOOP', which takes none of that kind",
    ],
    [
      'a positive reply to an unknown verb',
      ['< 220', '> XYZZY', '< 200'],
      "reply 200 to 'XYZZY', which RFC 959 §5.4 does not allow",
    ],
  ];
  it.each(bad)('catches %s', (_, script, message) => {
    const p = pairReplies('server/ctrl#1', session(...script), true);
    expect(p.violation).toMatchObject({ invariant: 'one-final-reply' });
    expect(p.violation!.message).toBe(`server/ctrl#1: ${message}`);
  });

  it('does not call a waiting command unanswered when the run was cut short', () => {
    expect(pairReplies('s', session('< 220', '> NOOP'), false).violation).toBeNull();
    expect(pairReplies('s', session('< 220', '> NOOP'), true).violation).not.toBeNull();
  });

  it('does not count a 421 as the answer of the command that waits, and still wants the session closed', () => {
    expect(pairReplies('s', session('< 220', '> PASV', '< 421', 'x'), true)).toMatchObject({
      answered: 0,
      violation: null,
    });
    expect(pairReplies('s', session('< 220', '> PASV', '< 421'), true).violation?.message).toBe(
      "s: no final reply to 'PASV' and the session is still open",
    );
  });

  it('counts the commands answered', () => {
    expect(
      pairReplies('s', session('< 220', '> USER a', '< 331', '> RETR f', '< 150', '< 226'), true),
    ).toMatchObject({
      answered: 2,
      waiting: 0,
    });
  });
});

describe('w3c-log', () => {
  const lines = (...methods: string[]): LogLine[] => methods.map((method, seq) => ({ method, seq }));
  const transfer = [
    'ControlChannelOpened',
    'USER',
    'PASS',
    'PASV',
    'DataChannelOpened',
    'DataChannelClosed',
    'RETR',
  ];

  it('holds for a session that logs each command once and each data channel as a pair', () => {
    expect(checkSessionLog('s', lines(...transfer, 'QUIT', 'ControlChannelClosed'), 5)).toBeNull();
  });

  it.each([
    [
      'a command line missing',
      [...transfer.slice(0, 6), 'QUIT', 'ControlChannelClosed'],
      5,
      '4 command lines in the log for 5 final replies to commands',
    ],
    [
      'a command logged twice',
      [...transfer, 'RETR'],
      4,
      '5 command lines in the log for 4 final replies to commands',
    ],
    [
      'DataChannelClosed alone',
      ['ControlChannelOpened', 'DataChannelClosed'],
      0,
      'DataChannelClosed without a DataChannelOpened',
    ],
    [
      'two DataChannelOpened',
      ['ControlChannelOpened', 'DataChannelOpened', 'DataChannelOpened'],
      0,
      'DataChannelOpened while the previous data channel is logged open',
    ],
    [
      'the session closed with a data channel open',
      ['ControlChannelOpened', 'DataChannelOpened', 'ControlChannelClosed'],
      0,
      'ControlChannelClosed with a data channel still logged open',
    ],
    [
      'a line after ControlChannelClosed',
      ['ControlChannelOpened', 'ControlChannelClosed', 'NOOP'],
      0,
      'NOOP logged after ControlChannelClosed',
    ],
    ['no ControlChannelOpened first', ['USER'], 1, 'the first log line is USER, not ControlChannelOpened'],
  ])('catches %s', (_, methods, answered, message) => {
    expect(checkSessionLog('s', lines(...methods), answered)).toMatchObject({
      invariant: 'w3c-log',
      message: `s: ${message}`,
    });
  });
});

describe('liveness', () => {
  const bound = livenessBound({
    controlChannelTimeout: 120 * SECOND,
    dataChannelTimeout: 30 * SECOND,
    initialRto: SECOND,
    maxRto: 60 * SECOND,
    maxRetries: 15,
    msl: 30 * SECOND,
  });

  it('bounds a close by the timeouts, the retransmissions and TIME-WAIT', () => {
    // 1+2+4+8+16+32 s, then ten waits capped at 60 s: 663 s of retransmission.
    expect(bound).toBe((120 + 30 + 663 + 60) * SECOND);
  });

  const quiet = { idle: true, open: [], lastTcpChange: 5 * SECOND, lastActivity: 4 * SECOND, bound };
  it('holds when every connection closed soon after the last activity', () => {
    expect(checkLiveness(quiet)).toBeNull();
  });
  it('holds at exactly the bound, and fails one nanosecond past it', () => {
    expect(checkLiveness({ ...quiet, lastTcpChange: quiet.lastActivity + bound })).toBeNull();
    expect(checkLiveness({ ...quiet, lastTcpChange: quiet.lastActivity + bound + 1 })).toMatchObject({
      invariant: 'liveness',
    });
  });
  it('catches a connection left open at idle', () => {
    const v = checkLiveness({
      ...quiet,
      open: [
        { conn: 'client/data#3', state: 'FIN-WAIT-2' },
        { conn: 'server/data#2', state: 'CLOSE-WAIT' },
      ],
    });
    expect(v?.message).toBe('the run went idle with client/data#3 still FIN-WAIT-2 (and 1 more)');
  });
  it('names a connection still open when the run never went idle', () => {
    const v = checkLiveness({
      ...quiet,
      idle: false,
      stopped: 'still busy after 3600s of simulated time, 1 events pending',
      open: [{ conn: 'server/data#2', state: 'CLOSING' }],
    });
    expect(v).toEqual({
      invariant: 'liveness',
      message:
        'the run never went idle: still busy after 3600s of simulated time, 1 events pending; server/data#2 is still CLOSING',
      at: { kind: 'conn', conn: 'server/data#2' },
    });
  });
  it('catches a run that never went idle', () => {
    expect(
      checkLiveness({ ...quiet, idle: false, stopped: 'step limit of 100 steps at 3 ms' })?.message,
    ).toBe('the run never went idle: step limit of 100 steps at 3 ms');
  });
  it('uses whole nanoseconds for the bound', () => {
    expect(Number.isSafeInteger(bound)).toBe(true);
    expect(bound % MS).toBe(0);
  });
});

describe('client-contract', () => {
  it.each([
    [{ client: 'c1', verdict: 'completed', detail: 'the script ran to its end' }],
    [{ client: 'c1', verdict: 'failed', detail: 'retr /f: 550', code: 550 }],
    [{ client: 'c1', verdict: 'failed', detail: 'retr /f: 425', code: 425 }],
  ] as const)('holds for %j', (end) => {
    expect(checkClientEnd(end)).toBeNull();
  });
  it.each([
    [
      { client: 'c1', verdict: 'hung', detail: "waiting in 'retr /f (passive)': got 125, no final reply" },
      "c1 hung: waiting in 'retr /f (passive)': got 125, no final reply",
    ],
    [
      { client: 'c1', verdict: 'truncated', detail: 'a download lost data' },
      'c1 truncated: a download lost data',
    ],
    [
      { client: 'c1', verdict: 'failed', detail: 'the data connection was reset' },
      'c1 failed without a 4xx/5xx reply: the data connection was reset',
    ],
    [
      { client: 'c1', verdict: 'failed', detail: 'unexpected', code: 226 },
      'c1 failed without a 4xx/5xx reply: unexpected (226)',
    ],
    [{ client: 'c1', verdict: null, detail: '' }, 'c1 gave no verdict'],
  ] as const)('catches %j', (end, message) => {
    expect(checkClientEnd(end)).toEqual({
      invariant: 'client-contract',
      message,
      at: { kind: 'client', client: 'c1' },
    });
  });
});

describe('transfer-bytes', () => {
  const file = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 255);
  const where = 'c1 step 2 (retr /f1.bin)';
  const at = { client: 'c1', step: 2 };
  const up = { client: 'c2', step: 3, path: '/up.bin', where: 'c2 /up.bin' };

  it('holds when a download has every byte in order and an upload stored what was sent', () => {
    expect(
      checkTransfers(
        [{ ...at, where, expected: file, received: file.slice() }],
        [{ ...up, expected: file, stored: file }],
      ),
    ).toBeNull();
  });

  it.each([
    ['truncated', file.subarray(0, 40), 'received 40 of 64 bytes: the last 24 are missing (truncated)'],
    ['extended', Uint8Array.from([...file, 1, 2]), 'received 66 bytes for 64: 2 bytes added at the end'],
    [
      'reordered',
      Uint8Array.from([
        ...file.subarray(0, 10),
        ...file.subarray(20, 30),
        ...file.subarray(10, 20),
        ...file.subarray(30),
      ]),
      'received 64 bytes for 64: byte 10 differs (0xe4 for 0x72)',
    ],
    [
      'one byte lost in the middle',
      Uint8Array.from([...file.subarray(0, 5), ...file.subarray(6)]),
      'received 63 bytes for 64: byte 5 differs (0xde for 0xb9)',
    ],
  ])('catches a download %s', (_, received, message) => {
    expect(checkTransfers([{ ...at, where, expected: file, received }], [])).toEqual({
      invariant: 'transfer-bytes',
      message: `${where}: ${message}`,
      at: { kind: 'download', ...at },
    });
  });

  it('catches an upload that is missing or differs', () => {
    expect(checkTransfers([], [{ ...up, expected: file, stored: null }])?.message).toBe(
      'c2 /up.bin: the file is missing after its uploads completed',
    );
    expect(checkTransfers([], [{ ...up, expected: file, stored: file.subarray(0, 63) }])?.message).toBe(
      'c2 /up.bin: stored 63 of 64 bytes: the last 1 are missing (truncated)',
    );
  });
});
