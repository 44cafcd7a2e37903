/**
 * docs/tutorial.md cannot rot: every ```console block that starts with `$ netstep ...` is run here and its
 * output must be what the block shows, byte for byte. `netstep run` and `netstep diff` run in memory with the
 * commands' own code; a `netstep step` block is the stepper's screen after the keys named in the HTML
 * comment just above the block (`<!-- keys: r r r r; size: 100x30 -->`).
 *
 * After a deliberate change to the models or the views, regenerate the outputs (the prose around them is
 * yours to re-read):  NETSTEP_UPDATE_TUTORIAL=1 npx vitest run test/src/api/tutorial.test.ts
 *
 * The library code the tutorial shows is run here too ('the tutorial's code' below).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../../../src/vitest.ts';
import { dataSyn, enters, fin, reply } from '../../../src/api/index.ts';
import { load } from '../../../src/api/load.ts';
import { Stepper } from '../../../src/api/stepper.ts';
import { GUTTER, renderScreen, type View } from '../../../src/api/stepper-screen.ts';
import type { Io } from '../../../src/cli/args.ts';
import { diffMain } from '../../../src/cli/diff.ts';
import { runMain } from '../../../src/cli/run.ts';
import { keyAction } from '../../../src/cli/step.ts';

const FILE = new URL('../../../docs/tutorial.md', import.meta.url).pathname;
const UPDATE = process.env.NETSTEP_UPDATE_TUTORIAL === '1';

interface Block {
  /** Line index of the command line (the one after the fence). */
  readonly at: number;
  readonly command: string;
  readonly keys: string[];
  readonly size: { width: number; height: number };
  readonly output: string[];
  readonly end: number;
}

function blocks(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```console' || !lines[i + 1]?.startsWith('$ netstep ')) continue;
    let end = i + 2;
    while (end < lines.length && lines[end] !== '```') end++;
    const comment = /^<!-- keys: ([^;]*); size: (\d+)x(\d+) -->$/.exec(lines[i - 1] ?? '');
    out.push({
      at: i + 1,
      command: lines[i + 1]!.slice(2),
      keys: comment ? comment[1]!.split(' ').filter((k) => k !== '') : [],
      size: comment ? { width: Number(comment[2]), height: Number(comment[3]) } : { width: 100, height: 30 },
      output: lines.slice(i + 2, end),
      end,
    });
    i = end;
  }
  return out;
}

function memoryIo(): { io: Io; out: string[] } {
  const out: string[] = [];
  const io: Io = {
    out: (l) => out.push(...l.split('\n')),
    err: (l) => out.push(...l.split('\n')),
    isTTY: false,
    env: {},
    writeFile: () => {
      throw new Error('the tutorial writes no files');
    },
  };
  return { io, out };
}

/** What the command prints today. */
async function produce(b: Block): Promise<string[]> {
  const [, name, ...args] = b.command.split(/\s+/);
  if (name === 'run' || name === 'diff') {
    const { io, out } = memoryIo();
    await (name === 'run' ? runMain(args, io) : diffMain(args, io));
    return out.map((l) => l.trimEnd());
  }
  if (name === 'step') {
    const sim = await load(args[0]!);
    const st = new Stepper(sim, b.size.width - GUTTER);
    let view: View = 'ladder';
    for (const k of b.keys) {
      const action = keyAction(k === '?' ? '?' : undefined, k === '?' ? {} : { name: k });
      if (action === null || action === 'quit')
        throw new Error(`the tutorial presses '${k}', which does not step`);
      if (action === 'help') view = 'help';
      else if (action === 'toggle-state') view = view === 'state' ? 'ladder' : 'state';
      else st.move(action);
    }
    const screen = renderScreen(st, { ...b.size, label: args[0]!, view });
    return screen.map((l) => l.trimEnd());
  }
  throw new Error(`the tutorial runs 'netstep ${name}', which this test cannot run`);
}

describe('docs/tutorial.md', () => {
  it('shows what netstep prints today, in every console block', async () => {
    const lines = readFileSync(FILE, 'utf8').split('\n');
    const found = blocks(lines);
    expect(found.length).toBeGreaterThanOrEqual(8);
    const fresh = [...lines];
    // Replace from the last block back, so that earlier line numbers stay valid.
    for (const b of [...found].reverse()) {
      const now = await produce(b);
      if (UPDATE) fresh.splice(b.at + 1, b.output.length, ...now);
      else expect(b.output, `the output of '${b.command}' (line ${b.at + 1})`).toEqual(now);
    }
    if (UPDATE) writeFileSync(FILE, fresh.join('\n'));
  }, 60_000);

  it("the tutorial's code: the same orderings, as a test would assert them", async () => {
    const sim = await load('kb/port-handshake-before-200');
    sim.runToIdle();
    expect(sim).toHappenBefore(dataSyn(), reply(200));
    expect(sim).toHaveSentReply(125, 'Data connection already open');

    const iis6 = await load('kb/port-handshake-before-200', { profile: 'iis6' });
    iis6.runToIdle();
    expect(iis6).toHappenBefore(reply(200), dataSyn());

    const t = await load('kb/transfer-complete-before-close');
    t.stepUntil(reply(226));
    const data = t.session('server/ctrl#1').closingData;
    expect(data).toBe(1);
    expect(t).toBeInTcpState('FIN-WAIT-1', 'server/data#2');
    t.runToIdle();
    expect(t).toHappenBefore(reply(226), enters('TIME-WAIT', 'server/data#2'));
    expect(t).toHappenBefore(reply(226), fin('server/data#2'));
  });
});
