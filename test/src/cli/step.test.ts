/**
 * `netstep step` on a real pseudo-terminal: tmux runs the command in a detached 120x40 window, the test
 * sends keys and reads the screen with capture-pane. Every wait polls the screen until the expected text
 * appears, with a bounded wait (the first screen waits for node and tsx to start); no fixed sleeps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const SOCKET = `netstep-step-test-${process.pid}`;
const SESSION = 'step';
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

function screen(session = SESSION): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** Polls the screen until `test` holds; fails with the last screen after `ms`. */
async function waitFor(
  test: (s: string) => boolean,
  what: string,
  ms = 15_000,
  session = SESSION,
): Promise<string> {
  const until = Date.now() + ms;
  let last = '';
  for (;;) {
    last = screen(session);
    if (test(last)) return last;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function press(...keys: string[]): void {
  tmux('send-keys', '-t', SESSION, ...keys);
}

/** The step number in the title line. */
function stepOf(s: string): number {
  return Number(/step (\d+) · t=/.exec(s)?.[1] ?? Number.NaN);
}

describe.skipIf(!hasTmux)('netstep step on a terminal (tmux)', () => {
  beforeAll(async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-x',
      '120',
      '-y',
      '40',
      '-c',
      ROOT,
      'node bin/netstep.js step kb/port-handshake-before-200; echo "EXITED $?"; sleep 60',
    );
    await waitFor((s) => s.includes('step 0 · t=0.000ms'), 'the first screen', 30_000);
  }, 40_000);

  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('starts at the beginning, with the hosts, the keys and nothing run', () => {
    const s = screen();
    const lines = s.split('\n');
    expect(lines[0]).toMatch(
      /^netstep step · kb\/port-handshake-before-200 · ftp75 · seed \d+ +step 0 · t=0\.000ms/,
    );
    expect(lines[1]).toMatch(/ms {2}client 192\.168\.1\.10 +192\.168\.1\.20 server$/);
    expect(s).toContain('── now: at the start: nothing has run yet');
    expect(s).toContain('n/space/→ next  b/← back  r next reply  t next TCP state');
    expect(lines.every((l) => l.length <= 120)).toBe(true);
  });

  it('n shows the first event: the client connects and its SYN leaves', async () => {
    press('n');
    const s = await waitFor((x) => stepOf(x) === 1, 'step 1');
    expect(s).toContain('── now: next event');
    expect(s).toMatch(/#1 client {2}tcp-state {2}client\/ctrl#1 CLOSED → SYN-SENT/);
    expect(s).toMatch(/▶ +0\.000 {2}├╌ SYN seq=0 isn=\d+/);
  });

  it('r runs to the next FTP reply, four times to the 200: the data SYN is already on its way', async () => {
    press('r');
    let s = await waitFor((x) => x.includes('── now: next FTP reply'), 'the 220');
    expect(s).toMatch(/ftp-reply {2}server\/ctrl#1 220/);
    press('r', 'r', 'r');
    s = await waitFor((x) => /ftp-command {2}server\/ctrl#1 "PORT /.test(x), 'the PORT step');
    // The step that parses PORT starts the handshake (FTP 7.5, KB 2505047) and then writes 200.
    const ladder = s.split('\n').filter((l) => l.startsWith('▶'));
    const syn = ladder.findIndex((l) => /◁╌+ SYN seq=0/.test(l));
    const ok = ladder.findIndex((l) => l.includes('"200 PORT command successful.↵"'));
    expect(syn).toBeGreaterThanOrEqual(0);
    expect(ok).toBeGreaterThan(syn);
  });

  it('b goes back one event, n comes forward to the same step again', async () => {
    const before = stepOf(screen());
    press('b');
    const back = await waitFor((x) => x.includes('── now: back to step'), 'back');
    expect(stepOf(back)).toBeLessThan(before);
    press('Right');
    const again = await waitFor((x) => stepOf(x) > stepOf(back), 'forward again');
    expect(again).toContain('── now: next event');
  });

  it('t runs to the next TCP state change; s shows every connection and session', async () => {
    press('t');
    const s = await waitFor((x) => x.includes('── now: next TCP state change'), 'a state change');
    expect(s).toMatch(/tcp-state {2}\S+ \S+ → \S+/);
    press('s');
    const state = await waitFor((x) => x.includes('FTP session'), 'the state view');
    expect(state).toMatch(/^connection +state +snd\.una +snd\.nxt +rcv\.nxt/m);
    expect(state).toMatch(/^server\/data#2 +(SYN-SENT|ESTABLISHED) /m);
    expect(state).toMatch(/^server\/ctrl#1 +LOGGED-IN +alice +\/ +A /m);
    press('s');
    await waitFor((x) => !x.includes('FTP session') && x.includes('192.168.1.20 server'), 'the ladder again');
  });

  it('? shows the help, and any key closes it', async () => {
    press('?');
    await waitFor((x) => x.includes('keys') && x.includes('q, Ctrl-C     quit'), 'the help');
    press('b');
    await waitFor((x) => !x.includes('q, Ctrl-C     quit') && x.includes('── now: back'), 'the help closed');
  });

  it('e runs to the end, where n says the run is finished; q quits with exit code 0', async () => {
    press('e');
    const end = await waitFor((x) => x.includes('· finished'), 'the end');
    expect(end).toContain('the run is finished at t=');
    press('n');
    await waitFor((x) => x.includes('b goes back, q quits'), 'the finished message');
    press('q');
    await waitFor((x) => x.includes('EXITED 0'), 'the exit');
  });

  it('Ctrl-C quits too, leaving the terminal as it was', async () => {
    const other = 'ctrlc';
    tmux(
      'new-session',
      '-d',
      '-s',
      other,
      '-x',
      '100',
      '-y',
      '30',
      '-c',
      ROOT,
      'node bin/netstep.js step tcp/refused; echo "EXITED $?"; sleep 60',
    );
    await waitFor((s) => s.includes('step 0 · t=0.000ms'), 'the first screen', 30_000, other);
    tmux('send-keys', '-t', other, 'n');
    await waitFor((s) => /step [1-9]/.test(s), 'a step', 15_000, other);
    tmux('send-keys', '-t', other, 'C-c');
    const after = await waitFor((s) => s.includes('EXITED 0'), 'the exit', 15_000, other);
    expect(after).not.toContain('netstep step ·'); // the alternate screen is gone
  }, 60_000);
});

describe('netstep step without a terminal', () => {
  it('stops with exit code 2 and points at netstep run', () => {
    const r = spawnSync(process.execPath, ['bin/netstep.js', 'step', 'kb/port-handshake-before-200'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      'netstep step: needs a terminal: it is interactive, and standard input and output must be a TTY; ' +
        'to print the whole run, use: netstep run kb/port-handshake-before-200',
    );
  });

  it('bad arguments are exit code 2 too', () => {
    const r = spawnSync(process.execPath, ['bin/netstep.js', 'step', '--speed', '2'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^netstep step: .*'--speed'/);
    expect(r.stderr).toContain('netstep step --help');
  });
});
