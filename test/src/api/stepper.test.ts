import { describe, expect, it } from 'vitest';
import { Stepper } from '../../../src/api/stepper.ts';
import { GUTTER, KEYS_LINE, renderScreen, type View } from '../../../src/api/stepper-screen.ts';
import { textWidth } from '../../../src/views/text.ts';
import { ftpFixture } from './fixture.ts';

function stepper(o: Parameters<typeof ftpFixture>[0] = {}) {
  const sim = ftpFixture(o);
  return new Stepper(sim, 100 - GUTTER);
}

function screen(st: Stepper, view: View = 'ladder', height = 30): string[] {
  return renderScreen(st, { width: 100, height, label: 'fixture', view });
}

describe('Stepper moves', () => {
  it('next runs to the next event that records something, skipping silent ones', () => {
    const st = stepper();
    st.move('next');
    expect(st.sim.steps).toBe(1);
    expect(st.position.entries.map((e) => e.kind)).toEqual(['sock-call', 'tcp-state', 'seg-send']);
    expect(st.current()).toEqual({ from: 0, to: 3 });
    // From the start to the end, every press shows at least one entry.
    while (!st.sim.done) {
      const before = st.sim.trace.length;
      st.move('next');
      if (st.message !== '') break;
      expect(st.sim.trace.length).toBeGreaterThan(before);
      expect(st.position.entries.length).toBe(st.sim.trace.length - before);
    }
  });

  it('reply and state go on to the next FTP reply / TCP state change, in order', () => {
    const st = stepper();
    const codes: number[][] = [];
    for (let i = 0; i < 6; i++) {
      st.move('reply');
      codes.push(st.position.entries.flatMap((e) => (e.kind === 'ftp-reply' ? [e.code] : [])));
    }
    // A small file: RETR's 125, the data, the close and the 226 all happen in the step that reads RETR.
    expect(codes).toEqual([[220], [331], [230], [200], [125, 226], [221]]);
    st.move('reply');
    expect(st.message).toMatch(/^no FTP reply follows: the run is finished at t=/);
    st.move('state');
    expect(st.position.entries.some((e) => e.kind === 'tcp-state')).toBe(true);
  });

  it('a move that finds nothing stays where it was and says why', () => {
    const st = stepper();
    st.move('end');
    expect(st.sim.done).toBe(true);
    st.move('back');
    st.move('back');
    const at = st.sim.steps;
    const trace = st.sim.trace.length;
    st.move('reply');
    expect(st.message).toMatch(/the run is finished at t=.*; stayed at step \d+$/);
    expect(st.sim.steps).toBe(at);
    expect(st.sim.trace.length).toBe(trace);
    st.move('next');
    expect(st.sim.steps).toBeGreaterThan(at); // and moving on still works from there
  });

  it('back returns to the previous event that recorded something, then to the start', () => {
    const st = stepper();
    st.move('next');
    st.move('next');
    const second = st.sim.steps;
    st.move('next');
    st.move('back');
    expect(st.sim.steps).toBe(second);
    expect(st.position.how).toBe(`back to step ${second}`);
    expect(st.position.entries).toEqual(st.sim.trace.slice(st.current().from));
    st.move('back');
    st.move('back');
    expect(st.sim.steps).toBe(0);
    expect(st.position.how).toBe('back at the start');
    st.move('back');
    expect(st.message).toBe('at the start: there is nothing to go back to');
  });

  it('the ladder so far matches the ladder of the trace, after moves both ways', () => {
    const st = stepper();
    for (const m of ['reply', 'reply', 'next', 'back', 'state', 'back', 'reply'] as const) st.move(m);
    const fresh = st.sim.ladder(100 - GUTTER).slice(4); // without the legend and the host line
    expect(st.ladderLines().map((l) => l.text)).toEqual(fresh);
  });
});

describe('Stepper screen', () => {
  it('has exactly the height asked, no line wider than the width, the keys last', () => {
    const st = stepper();
    for (const view of ['ladder', 'state', 'help'] as const) {
      for (const height of [12, 30, 50]) {
        const lines = screen(st, view, height);
        expect(lines).toHaveLength(height);
        expect(lines.every((l) => textWidth(l) <= 100)).toBe(true);
        expect(lines.at(-1)).toBe(KEYS_LINE);
      }
      st.move('reply');
    }
  });

  it('marks the lines of the current step and lists its entries under "now"', () => {
    const st = stepper();
    st.move('reply'); // to the 220
    const lines = screen(st);
    const marked = lines.filter((l) => l.startsWith('▶ '));
    expect(marked.some((l) => l.includes('"220 Microsoft FTP Service↵"'))).toBe(true);
    const now = lines.findIndex((l) => l.startsWith('── now: next FTP reply'));
    expect(now).toBeGreaterThan(0);
    expect(lines.slice(now + 1).some((l) => /#\d+ server {2}ftp-reply {2}server\/ctrl#1 220/.test(l))).toBe(
      true,
    );
  });

  it('the state view is a table of connections and sessions, sequence numbers relative', () => {
    const st = stepper();
    st.move('reply');
    st.move('reply');
    const s = screen(st, 'state').join('\n');
    expect(s).toMatch(/^client\/ctrl#1 +ESTABLISHED +1 +\d+ +28 /m);
    expect(s).toMatch(/^server\/ctrl#1 +AWAIT-PASS +alice +\/ +A +none +- +331/m);
    expect(s).toContain('listening: client:5000, server:21');
  });
});
